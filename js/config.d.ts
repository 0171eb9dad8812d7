// Generated from src/engine/schema.rs by scripts/gen-types.mjs: do not edit.
// The vitrine config (docs/config.md); js/schema.json is the same as a JSON Schema.

/** The vitrine config, version 1 (docs/config.md). Unknown fields are errors; `validateConfig` also checks what a schema cannot (known categories and segments, unique ids, selectors, templates). */
export interface VitrineConfig {
  /** Ignored by vitrine; lets an editor find this schema, e.g. `./node_modules/vitrine/schema.json`. */
  $schema?: string;
  /**
   * The config format version.
   * @default 1
   */
  version?: 1;
  /** Consent categories, version, bridges (Consent Mode, TCF, GPC), the built-in panel. */
  consent?: Consent;
  /** The consent category each part of the visitor profile is collected and stored under (default `personalization`). */
  signals?: Signals;
  /** Named conditions; the attribute `segments` lists those the visitor is in. */
  segments?: Segment[];
  /** The personalization rules. */
  rules?: Rule[];
  /** A/B experiments. */
  experiments?: Experiment[];
  /** Named lists of ids (or named conditions), GrowthBook's shapes: conditions test them with `$inGroup` / `$notInGroup` and `{"$savedGroup": {"id"}}`. */
  savedGroups?: { [key: string]: SavedGroup };
  /** How signals become profile data: click selectors, affinity half-life, abandonment, identity, search. */
  profile?: ProfileSettings;
  /** Products and complements for the `recommend` action. */
  catalog?: Catalog;
  /** Prediction models: `predict.<id>` attributes (docs/models.md). */
  models?: Model[];
  /** Also push every exposure onto `window.dataLayer` as `{event, vitrine_kind, vitrine_id, vitrine_variant}`. */
  exposures?: Exposures;
  /** Conversions, delivered with the exposures (docs/config.md, "Goals and destinations"). */
  goals?: Goal[];
  /** The site's own pipeline: exposures and goal events, queued in the browser and sent while their consent is granted. */
  destinations?: Destination[];
  /** What every pop-up shares. */
  prompts?: {
    /**
     * After any pop-up was shown, no pop-up shows for this many days (0: none).
     * @default 7
     */
    cooldownDays?: number;
  };
}

/** A MongoDB-style query document with GrowthBook's `evalCondition` semantics: attribute paths and `$and`/`$or`/`$nor`/`$not` as keys, values or operator objects (`$eq $ne $gt $gte $lt $lte $in $nin $ini $nini $all $alli $exists $type $elemMatch $size $not $regex $regexi $veq $vne $vgt $vgte $vlt $vlte`) as values. */
export type Condition = { [key: string]: unknown };

/** One consent category id or a list; every one must be granted. */
export type CategoryList = string | string[];

/** One text, or a text per language: `{"pt-BR": "...", "en": "..."}`. */
export type Translated = string | { [key: string]: string };

/** Consent categories, version, bridges (Consent Mode, TCF, GPC), the built-in panel. */
export interface Consent {
  /**
   * Raising it voids consent given to earlier versions: visitors are asked again.
   * @default 1
   */
  version?: number;
  /** The consent categories (default `necessary`, `preferences`, `analytics`, `personalization`, `marketing`); `necessary` must be present. */
  categories?: ConsentCategory[];
  /** The consent signals a site already has: Consent Mode, TCF, GPC. */
  bridges?: Bridges;
  /** vitrine's built-in banner and preferences panel: `true` or `{ "language": "pt-BR" | "en" | "auto" }`. */
  ui?: ConsentPanel;
}

/** A consent category. Consent is opt-in: only required categories are granted until the visitor grants more. */
export interface ConsentCategory {
  /** Letters, digits, `- _ . :` (≤ 64). */
  id: string;
  /** Always granted (default: only for `necessary`, which is always required). */
  required?: boolean;
  /** For consent panels. */
  label?: Translated;
  /** For consent panels. */
  description?: Translated;
}

/** vitrine's built-in banner and preferences panel: `true` or `{ "language": "pt-BR" | "en" | "auto" }`. */
export type ConsentPanel =
  | boolean
  | {
    /**
     * `auto`: the page's `lang`.
     * @default "auto"
     */
    language?: 'auto' | 'pt-BR' | 'en';
  };

/** The consent signals a site already has: Consent Mode, TCF, GPC. */
export interface Bridges {
  /**
   * Google Consent Mode (`gtag('consent', ...)` on the dataLayer): on by default; `{signal: category}` replaces the mapping table; `false` turns it off.
   * @default true
   */
  consentMode?: boolean | { [key: string]: string };
  /**
   * IAB TCF v2.2 (`__tcfapi`): on by default; `{purpose: category}` (purposes 2–11; purpose 1 is always required) replaces the table; `false` turns it off.
   * @default true
   */
  tcf?: boolean | { [key: string]: string };
  /**
   * Global Privacy Control: denies these categories (default `["marketing"]`); `false` turns it off.
   * @default true
   */
  gpc?: boolean | string[];
  /**
   * When vitrine's panel is the site's consent tool, a choice in it also calls `gtag('consent', 'update', {...})`.
   * @default false
   */
  emitConsentMode?: boolean;
  /**
   * How long a choice a CMP reported stays trusted without the CMP saying it again (days).
   * @default 395
   */
  cmpTrustDays?: number;
}

/** The consent category each part of the visitor profile is collected and stored under (default `personalization`). */
export interface Signals {
  /** Visits, sessions, first/last seen, the visitor id. */
  visitor?: string;
  /** Click counters. */
  clicks?: string;
  /** The cart. */
  cart?: string;
  /** Dwell time, also scroll, idle, exit intent and time on marked elements. */
  dwell?: string;
  /** Counts and the last props of `track`. */
  events?: string;
  /** Sticky assignments and frequency-cap counts. */
  experiments?: string;
  /** Category and brand scores. */
  affinity?: string;
  /** The customer id and traits from `identify`. */
  identity?: string;
  /** On-site search terms (redacted), searches without results, categories clicked after a search. */
  search?: string;
  /** What the visitor told the site: the sentiment (label, score) of the last text scored by `sentiment()`; never the text. */
  feedback?: string;
}

/** A saved group: a bare list, a list with its attribute, or a condition. */
export type SavedGroup =
  | (string | number | boolean)[]
  | {
    type: 'list';
    /** The attribute `$savedGroup` reads unless the reference names another. */
    attributeKey?: string;
    values: (string | number | boolean)[];
  }
  | {
    type: 'condition';
    /** A MongoDB-style query document with GrowthBook's `evalCondition` semantics: attribute paths and `$and`/`$or`/`$nor`/`$not` as keys, values or operator objects (`$eq $ne $gt $gte $lt $lte $in $nin $ini $nini $all $alli $exists $type $elemMatch $size $not $regex $regexi $veq $vne $vgt $vgte $vlt $vlte`) as values. */
    condition: Condition;
  };

/** A named condition; the attribute `segments` lists those the visitor is in. */
export interface Segment {
  /** Unique. */
  id: string;
  /** For people. */
  description?: string;
  /** Who is in the segment. */
  when: Condition;
}

/** A personalization rule. */
export interface Rule {
  /** Unique; letters, digits, `- _ . :`. */
  id: string;
  /** For people. */
  description?: string;
  /**
   * Every category the rule needs; it applies only while all are granted.
   * @default ["personalization"]
   */
  consent?: CategoryList;
  /** When the rule applies (default: always). */
  when?: Condition;
  /**
   * When rules or variants change the same element in the same way, the higher priority wins; on a tie the one earlier in the file.
   * @default 0
   */
  priority?: number;
  /** What the rule changes. */
  actions: Action[];
  /**
   * What must have happened in this page view first; once fired it stays fired until the next page view.
   * @default "load"
   */
  trigger?: Trigger;
  /** How often the rule may start showing; a rule already showing keeps showing. */
  frequency?: Frequency;
  /** When the rule may apply (default: always). */
  schedule?: Schedule;
  /**
   * Share of visitors (by a stable hash of rule id and visitor id) who never see the rule.
   * @default 0
   */
  holdout?: number;
}

/**
 * What must have happened in this page view first; once fired it stays fired until the next page view.
 * @default "load"
 */
export type Trigger =
  | 'load' | 'exit'
  | {
    /** After `track(name)` in this page view. */
    event: string;
  }
  | {
    /** After this many ms of visible time on the page. */
    dwell: number;
  }
  | {
    /** After scrolling this far (percent). */
    scroll: number;
  }
  | {
    /** After this many ms without interaction. */
    idle: number;
  };

/** How often the rule may start showing; a rule already showing keeps showing. */
export interface Frequency {
  /** How many times. */
  max: number;
  /**
   * The window (`day` is a UTC day).
   * @default "visitor"
   */
  per?: 'pageview' | 'session' | 'day' | 'visitor';
}

/** When the rule may apply (default: always). */
export interface Schedule {
  /** A UTC time like `2026-12-24T18:00:00Z`. */
  start?: string;
  /** A UTC time, exclusive; after `start`. */
  end?: string;
  /** 0 (Sunday) – 6, in the visitor's local time. */
  weekdays?: number[];
  /** `[from, to)` local hours; `[22, 6]` wraps midnight. */
  hours?: [number, number];
}

/** A DOM operation, by `op`; reverting it gives back the page exactly as it was. */
export type Action =
  | SetTextAction
  | SetHtmlAction
  | SetAttrAction
  | RemoveAttrAction
  | AddClassAction
  | RemoveClassAction
  | SetStyleAction
  | HideAction
  | ShowAction
  | InsertAction
  | MoveAction
  | ReorderAction
  | RemoveAction
  | RedirectAction
  | RecommendAction
  | PopupAction
  | SurveyAction;

/** Replaces the content with text (never parsed as markup); reverted by putting the original nodes back. */
export interface SetTextAction {
  op: 'setText';
  /** CSS selector of the targets (≤ 512 characters), checked with the browser's own parser at start. */
  selector: string;
  /**
   * `first`: only the first match.
   * @default "all"
   */
  match?: 'all' | 'first';
  /** The text: a template (`{{traits.first_name | default: "você"}}`). */
  text: string;
}

/** Replaces the content with sanitized markup. */
export interface SetHtmlAction {
  op: 'setHtml';
  /** CSS selector of the targets (≤ 512 characters), checked with the browser's own parser at start. */
  selector: string;
  /**
   * `first`: only the first match.
   * @default "all"
   */
  match?: 'all' | 'first';
  /** Markup (sanitized against an allowlist); a template. */
  html: string;
}

/** Sets an attribute; event handlers (`on*`), `style`, `srcdoc` and `is` are refused, URL attributes checked. */
export interface SetAttrAction {
  op: 'setAttr';
  /** CSS selector of the targets (≤ 512 characters), checked with the browser's own parser at start. */
  selector: string;
  /**
   * `first`: only the first match.
   * @default "all"
   */
  match?: 'all' | 'first';
  /** The attribute. */
  name: string;
  /** The value: a template; URLs must be http(s), relative, mailto: or tel:. */
  value: string;
}

/** Removes an attribute; reverted in its original position. */
export interface RemoveAttrAction {
  op: 'removeAttr';
  /** CSS selector of the targets (≤ 512 characters), checked with the browser's own parser at start. */
  selector: string;
  /**
   * `first`: only the first match.
   * @default "all"
   */
  match?: 'all' | 'first';
  /** The attribute. */
  name: string;
}

/** Adds one class. */
export interface AddClassAction {
  op: 'addClass';
  /** CSS selector of the targets (≤ 512 characters), checked with the browser's own parser at start. */
  selector: string;
  /**
   * `first`: only the first match.
   * @default "all"
   */
  match?: 'all' | 'first';
  /** One class name, without spaces. */
  class: string;
}

/** Removes one class. */
export interface RemoveClassAction {
  op: 'removeClass';
  /** CSS selector of the targets (≤ 512 characters), checked with the browser's own parser at start. */
  selector: string;
  /**
   * `first`: only the first match.
   * @default "all"
   */
  match?: 'all' | 'first';
  /** One class name, without spaces. */
  class: string;
}

/** Sets inline `!important` properties from an allowlist. */
export interface SetStyleAction {
  op: 'setStyle';
  /** CSS selector of the targets (≤ 512 characters), checked with the browser's own parser at start. */
  selector: string;
  /**
   * `first`: only the first match.
   * @default "all"
   */
  match?: 'all' | 'first';
  /** `{property: value}` from an allowlist of looks (not layout tricks or loads); values are plain CSS: no url(), image(), expression(), var(), escapes or ; { } < > @ quotes. */
  style: Style;
}

/** `display: none !important`. */
export interface HideAction {
  op: 'hide';
  /** CSS selector of the targets (≤ 512 characters), checked with the browser's own parser at start. */
  selector: string;
  /**
   * `first`: only the first match.
   * @default "all"
   */
  match?: 'all' | 'first';
}

/** Removes `hidden` and sets `display`. */
export interface ShowAction {
  op: 'show';
  /** CSS selector of the targets (≤ 512 characters), checked with the browser's own parser at start. */
  selector: string;
  /**
   * `first`: only the first match.
   * @default "all"
   */
  match?: 'all' | 'first';
  /**
   * The display value.
   * @default "block"
   */
  display?: 'block' | 'inline' | 'inline-block' | 'flex' | 'inline-flex' | 'grid' | 'contents' | 'list-item' | 'table';
}

/** Inserts sanitized markup relative to each target; reverted by removing it. */
export interface InsertAction {
  op: 'insert';
  /** CSS selector of the targets (≤ 512 characters), checked with the browser's own parser at start. */
  selector: string;
  /**
   * `first`: only the first match.
   * @default "all"
   */
  match?: 'all' | 'first';
  /** Where, relative to each target. */
  position: 'before' | 'after' | 'prepend' | 'append';
  /** Markup (sanitized); a template. */
  html: string;
}

/** Moves each target relative to the first element `to` matches. */
export interface MoveAction {
  op: 'move';
  /** CSS selector of the targets (≤ 512 characters), checked with the browser's own parser at start. */
  selector: string;
  /**
   * `first`: only the first match.
   * @default "all"
   */
  match?: 'all' | 'first';
  /** Where, relative to each target. */
  position: 'before' | 'after' | 'prepend' | 'append';
  /** CSS selector of the reference element. */
  to: string;
}

/** Sorts the target's element children by the number at `by.<child's key>`, highest first, ties in page order; re-sorted when the scores change. */
export interface ReorderAction {
  op: 'reorder';
  /** CSS selector of the targets (≤ 512 characters), checked with the browser's own parser at start. */
  selector: string;
  /**
   * `first`: only the first match.
   * @default "all"
   */
  match?: 'all' | 'first';
  /** The children's attribute holding their key, e.g. `data-category`. */
  key: string;
  /** An attribute path, e.g. `affinity.category`. */
  by: string;
}

/** Removes each target; reverted by putting it back in place. */
export interface RemoveAction {
  op: 'remove';
  /** CSS selector of the targets (≤ 512 characters), checked with the browser's own parser at start. */
  selector: string;
  /**
   * `first`: only the first match.
   * @default "all"
   */
  match?: 'all' | 'first';
}

/** `location.replace(url)`: never to the same URL, at most 3 redirects in 10 s per tab. */
export interface RedirectAction {
  op: 'redirect';
  /** A path on this site (`/...`) or an http(s) URL. */
  url: string;
  /**
   * Allow a URL on another site.
   * @default false
   */
  crossOrigin?: boolean;
}

/** Renders recommended catalog products into the target; re-rendered when the recommendations change. */
export interface RecommendAction {
  op: 'recommend';
  /** CSS selector of the targets (≤ 512 characters), checked with the browser's own parser at start. */
  selector: string;
  /**
   * `first`: only the first match.
   * @default "all"
   */
  match?: 'all' | 'first';
  /** The slot's id (in `recommendation_click` events). */
  slot: string;
  /** `{recommender: weight}` (above 0, at most 100); each recommender's scores are scaled to [0, 1] by its best one, then combined with these weights. */
  use: RecommenderWeights;
  /**
   * How many products.
   * @default 4
   */
  count?: number;
  /**
   * At most this many from one category (0: no limit).
   * @default 0
   */
  maxPerCategory?: number;
  /**
   * Leave out products the visitor bought (GA4 `purchase`).
   * @default true
   */
  excludePurchased?: boolean;
  /** Markup for one item: `{{item.id}}`, `{{item.name}}`, `{{item.url}}`, `{{item.image}}`, `{{item.price | currency: "BRL"}}`, `{{item.category}}`, `{{item.brand}}`, `{{rank}}`. */
  template: string;
}

/** A pop-up: a modal `<dialog>` (focus moves in and back, the page inert, Escape closes), or a corner, banner or inline box announced by a polite live region. Held back by the shared cooldown (`prompts`), one at a time, and its `recontact`. */
export interface PopupAction {
  op: 'popup';
  /** Only for `display: "inline"`: the element the pop-up goes into. */
  selector?: string;
  /**
   * `first`: only the first match (inline).
   * @default "all"
   */
  match?: 'all' | 'first';
  /**
   * `modal`, `corner`, `banner`, or `inline` (into `selector`).
   * @default "modal"
   */
  display?: 'modal' | 'corner' | 'banner' | 'inline';
  /** Markup, sanitized as for `setHtml` (templates allowed). A link or button with `data-vitrine-close` closes it. */
  html: string;
  /** The accessible name announced for it. */
  label: string;
  /** The close button's accessible name (default: "Fechar" / "Close" by the page's language). */
  closeLabel?: string;
  /**
   * When a visitor who saw it may see it again: `untilDismissed` (until they close it), `once`, or `{"everyDays": n}`.
   * @default "untilDismissed"
   */
  recontact?: 'once' | 'untilDismissed' | 'untilAnswered' | {
    everyDays: number;
  };
  /**
   * Share of visitors who may see it (a stable hash of the visitor id).
   * @default 1
   */
  sample?: number;
  /**
   * Visible milliseconds on the page before it may show.
   * @default 0
   */
  minTimeOnPage?: number;
  /**
   * Inside a shadow root (the page's styles do not reach it; theme it with the `--vitrine-*` CSS variables).
   * @default true
   */
  shadow?: boolean;
}

/** A survey (1-10 questions: NPS, CSAT, CES, single or multiple choice, open text; branching; a thank-you step), shown as a pop-up (the same `display`, cooldown, sampling and `recontact`) or inline. Shown only while `signals.feedback`'s category is granted; answers become `feedback.*`. */
export interface SurveyAction {
  op: 'survey';
  /** Only for `display: "inline"`: the element the pop-up goes into. */
  selector?: string;
  /**
   * `first`: only the first match (inline).
   * @default "all"
   */
  match?: 'all' | 'first';
  /**
   * `modal`, `corner`, `banner`, or `inline` (into `selector`).
   * @default "modal"
   */
  display?: 'modal' | 'corner' | 'banner' | 'inline';
  /** Markup, sanitized as for `setHtml` (templates allowed). A link or button with `data-vitrine-close` closes it. */
  html?: string;
  /** The accessible name announced for it. */
  label: string;
  /** The close button's accessible name (default: "Fechar" / "Close" by the page's language). */
  closeLabel?: string;
  /**
   * When a visitor who saw it may see it again: `untilDismissed` (until they close it), `once`, or `{"everyDays": n}`.
   * @default "once"
   */
  recontact?: 'once' | 'untilDismissed' | 'untilAnswered' | {
    everyDays: number;
  };
  /**
   * Share of visitors who may see it (a stable hash of the visitor id).
   * @default 1
   */
  sample?: number;
  /**
   * Visible milliseconds on the page before it may show.
   * @default 0
   */
  minTimeOnPage?: number;
  /**
   * Inside a shadow root (the page's styles do not reach it; theme it with the `--vitrine-*` CSS variables).
   * @default true
   */
  shadow?: boolean;
  /** The survey's id: `feedback.<survey>.answered` (letters, digits, - and _; not nps, nps_group, csat, ces, sentiment). */
  survey: string;
  /** The questions, in order. */
  questions: {
    /** The answer's name: `feedback.<survey>.<id>` (not `answered`). */
    id: string;
    /** `nps` (0-10), `csat` (1-5), `ces` (1-7), `single` or `multiple` choice, `text` (open, scored for sentiment on the device, never kept). */
    type: 'nps' | 'csat' | 'ces' | 'single' | 'multiple' | 'text';
    /** The question. */
    text: Translated;
    /** Rating questions: the label of the lowest score (default: "Nada provável" / "Not at all likely" and the like). */
    low?: Translated;
    /** Rating questions: the label of the highest score. */
    high?: Translated;
    /**
     * CSAT: numbers or five faces.
     * @default "number"
     */
    style?: 'number' | 'emoji';
    /** Choice questions: the options. */
    options?: {
      value: string;
      /** One text, or a text per language: `{"pt-BR": "...", "en": "..."}`. */
      label: Translated;
    }[];
    /** Must be answered to go on (default: true, false for text). */
    required?: boolean;
    /** Text questions: the hint in the empty box. */
    placeholder?: Translated;
    /**
     * Text questions: the text goes in the `survey_answered` event (otherwise only its sentiment). It is never stored.
     * @default false
     */
    keepText?: boolean;
    /** Branching: the first branch whose answer matches decides the next question; otherwise the next one in the list. */
    next?: {
      /** The answer(s) this branch is for (a score, an option value, or a list of them); absent: any answer. */
      answer?: unknown;
      /** A later question's id, or `end` (the thank-you step). */
      goto: string;
    }[];
  }[];
  /** The thank-you step (default: "Obrigado pela sua resposta!" / "Thank you for your answer!"). */
  thanks?: Translated;
}

/** `{property: value}` from an allowlist of looks (not layout tricks or loads); values are plain CSS: no url(), image(), expression(), var(), escapes or ; { } < > @ quotes. */
export interface Style {
  color?: string;
  'background-color'?: string;
  'font-weight'?: string;
  'font-style'?: string;
  'font-size'?: string;
  'text-decoration'?: string;
  'text-transform'?: string;
  'text-align'?: string;
  'letter-spacing'?: string;
  'line-height'?: string;
  border?: string;
  'border-color'?: string;
  'border-width'?: string;
  'border-style'?: string;
  'border-radius'?: string;
  outline?: string;
  'box-shadow'?: string;
  opacity?: string;
  order?: string;
  margin?: string;
  'margin-top'?: string;
  'margin-bottom'?: string;
  padding?: string;
}

/** `{recommender: weight}` (above 0, at most 100); each recommender's scores are scaled to [0, 1] by its best one, then combined with these weights. */
export interface RecommenderWeights {
  /** The complement weights from the cart's items and the product being viewed. */
  complements?: number;
  /** The visitor's category affinity + ½ brand affinity (decayed). */
  affinity?: number;
  /** How recently the visitor viewed or clicked it (20 kept). */
  recently_viewed?: number;
  /** The visitor's interactions with it in this session. */
  trending_in_session?: number;
  /** Likeness to the product being viewed (or the last viewed): category, shared tags, price band. */
  similar?: number;
}

/** An A/B experiment, bucketed as GrowthBook does. */
export interface Experiment {
  /** Unique. */
  id: string;
  /** For people. */
  description?: string;
  /**
   * As for rules.
   * @default ["personalization"]
   */
  consent?: CategoryList;
  /** Who may enter (default: everyone). */
  when?: Condition;
  /** Hashing seed (default: the id). */
  seed?: string;
  /**
   * GrowthBook's hash version.
   * @default 2
   */
  hashVersion?: 1 | 2;
  /**
   * Share of visitors in the experiment.
   * @default 1
   */
  coverage?: number;
  /**
   * When rules or variants change the same element in the same way, the higher priority wins; on a tie the one earlier in the file.
   * @default 0
   */
  priority?: number;
  /** Weights all given (summing to 1) or none (equal). */
  variants: Variant[];
  /** A bandit: new visitors are assigned by Thompson sampling over the posterior (the variants' weights when it cannot be read); assignments stay sticky. */
  bandit?: {
    /** The posterior file `vitrine report --bandit` writes, as the site publishes it (a path on the site or an http(s) URL). */
    posterior: string;
    /**
     * The least weight every arm keeps.
     * @default 0.01
     */
    floor?: number;
  };
}

/** A variant of an experiment. */
export interface Variant {
  /** Unique in the experiment. */
  id: string;
  /** Share of the covered visitors. */
  weight?: number;
  /** None: a control variant. */
  actions?: Action[];
}

/** Also push every exposure onto `window.dataLayer` as `{event, vitrine_kind, vitrine_id, vitrine_variant}`. */
export interface Exposures {
  /** `true` or `{ "event": name }` (default event `vitrine_exposure`). */
  dataLayer?: boolean | {
    /**
     * The event name.
     * @default "vitrine_exposure"
     */
    event?: string;
  };
  /**
   * Exposures are pushed only while all these are granted.
   * @default ["analytics"]
   */
  consent?: CategoryList;
}

/** A conversion: exactly one of `event`, `click`, `page`, `dwell`. Its events carry the rules and experiment variants the visitor is exposed to. */
export interface Goal {
  /** The goal's name: the `event` of its conversions (`vitrine report --goal <id>`). */
  id: string;
  /** A `track()` name or a dataLayer event (`purchase`: revenue from `value`, `currency`). */
  event?: string;
  /** A click on an element matching this selector (or inside one), once per page view. */
  click?: string;
  /** A page view whose path and query match this regular expression. */
  page?: string;
  /** An element in view this long, once per page view. */
  dwell?: {
    /** The element to watch. */
    selector: string;
    /** Time in view in one page view. */
    ms: number;
  };
}

/** Where exposures and conversions go. */
export interface Destination {
  /** `dataLayer` (GTM), `gtag` (GA4), `segment` / `rudderstack` (`analytics.track`), `posthog` (`posthog.capture`), `beacon` (JSON batches to the site's collector). */
  type: 'dataLayer' | 'gtag' | 'segment' | 'rudderstack' | 'posthog' | 'beacon';
  /**
   * Events are queued and sent only while all these are granted; withdrawal drops the queue.
   * @default ["analytics"]
   */
  consent?: CategoryList;
  /** beacon: the collector, a path on this site or an http(s) URL. */
  url?: string;
  /**
   * beacon: allow a collector on another origin.
   * @default false
   */
  crossOrigin?: boolean;
  /**
   * beacon: events per request.
   * @default 20
   */
  batchSize?: number;
  /**
   * beacon: the longest an event waits for its batch.
   * @default 5000
   */
  flushMs?: number;
}

/** How signals become profile data: click selectors, affinity half-life, abandonment, identity, search. */
export interface ProfileSettings {
  /** CSS selector → click key (≤ 50): a click inside a match counts as `clicks.<key>`. */
  clicks?: { [key: string]: string };
  /** How fast category and brand affinity fades. */
  affinity?: {
    /**
     * Affinity scores halve every this many days.
     * @default 7
     */
    halfLifeDays?: number;
  };
  /** When a full cart left alone counts as abandoned. */
  abandonment?: {
    /**
     * A non-empty cart plus exit intent, or this long without interaction, is `cart.abandoned`.
     * @default 60
     */
    idleSeconds?: number;
  };
  /** Whether a known customer id replaces the anonymous one. */
  identity?: {
    /**
     * Once `identify(id)` named the customer, experiments and holdouts bucket on that id.
     * @default false
     */
    replaceAnonymousId?: boolean;
    /** A URL parameter carrying an opaque customer id (never an email address), read as `identify(value)` on arrival. */
    urlParam?: string;
  };
  /** Where on-site searches are read besides GA4's `search` events and `track('search', {term})`. */
  search?: {
    /** The query parameter of the search results URL (`q` in `/busca?q=`): arriving with it is a search for its value. */
    urlParam?: string;
  };
}

/** Products and complements for the `recommend` action. */
export interface Catalog {
  /** Up to 10,000; a catalog of more than 250 is read after start, in chunks. */
  products?: Product[];
  /** Pairs count both ways. */
  complements?: Complement[];
}

/** A catalog product. */
export interface Product {
  /** Unique. */
  id: string;
  /** `{{item.name}}`. */
  name?: string;
  /** http(s) or relative. */
  url?: string;
  /** http(s) or relative. */
  image?: string;
  /** 0 – 1e9. */
  price?: number;
  /** For affinity, diversity and `similar`. */
  category?: string;
  /** For affinity. */
  brand?: string;
  /** For `similar` (≤ 20). */
  tags?: string[];
  /**
   * `false`: never recommended.
   * @default true
   */
  available?: boolean;
}

/** `[productA, productB, weight > 0]` (weight default 1), both products known. */
export type Complement = [string, string] | [string, string, number];

/** A logistic regression over named profile features: `1 / (1 + e^-(bias + Σ weight × feature))`. */
export interface Model {
  /** The score is the attribute `predict.<id>`. */
  id: string;
  /** For people. */
  description?: string;
  /**
   * The intercept.
   * @default 0
   */
  bias?: number;
  /** `{feature: weight}` (docs/models.md). */
  weights: ModelWeights;
}

/** `{feature: weight}` (docs/models.md). */
export interface ModelWeights {
  /** Page views so far. */
  visits?: number;
  /** Sessions so far. */
  sessions?: number;
  /** 1 after the first page view. */
  returning?: number;
  /** Whole days since the previous session (0 if none). */
  days_since_last?: number;
  /** Active seconds on this page. */
  dwell_page_s?: number;
  /** Active seconds in total. */
  dwell_total_s?: number;
  /** Items in the cart. */
  cart_count?: number;
  /** Value of the cart. */
  cart_total?: number;
  /** 1 when the cart was abandoned in this page view. */
  cart_abandoned?: number;
  /** Deepest scroll on this page, 0–100. */
  scroll_max_pct?: number;
  /** Sum of all click counters. */
  clicks_total?: number;
  /** Sum of all event counters. */
  events_total?: number;
  /** The top category's share of all category affinity. */
  affinity_concentration?: number;
  /** 1 after `identify`. */
  customer_known?: number;
  /** Local hour, 0–23. */
  hour?: number;
  /** 1 on a phone-sized viewport. */
  device_mobile?: number;
  /** 1 when the visitor arrived from email. */
  channel_email?: number;
  /** 1 when the visitor arrived from WhatsApp. */
  channel_whatsapp?: number;
  /** 1 when the visitor arrived from social media. */
  channel_social?: number;
  /** 1 when the visitor arrived from a search engine. */
  channel_search?: number;
  /** 1 when the visitor arrived from a paid campaign. */
  channel_paid?: number;
  /** 1 when the visitor arrived from another site. */
  channel_referral?: number;
  /** 1 when the visitor arrived directly. */
  channel_direct?: number;
}
