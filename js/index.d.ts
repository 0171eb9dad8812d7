// Types of the hand-written ESM entry (index.js). The config types are generated
// from the Rust definitions (src/engine/schema.rs → config.d.ts and schema.json by
// scripts/gen-types.mjs); the wasm-level class is in vitrine_core.d.ts, generated
// by wasm-bindgen.
import type { VitrineConfig } from './config.js';
export type * from './config.js';

/** One problem in a config: where it is and what is wrong. */
export interface ConfigProblem {
  /** Path of the bad field, e.g. `rules[3].when.cart.total`; empty for the whole document. */
  path: string;
  message: string;
}

/** Misuse of the API (a bad cart item, an unknown consent category, a stopped instance). */
export class VitrineError extends Error {
  name: 'VitrineError' | 'VitrineConfigError';
}

/** Thrown (or rejected) when the config is invalid; the page was not changed. */
export class VitrineConfigError extends VitrineError {
  constructor(message: string, errors?: ConfigProblem[]);
  name: 'VitrineConfigError';
  errors: ConfigProblem[];
}

export interface CartItem {
  id: string;
  name?: string;
  category?: string;
  /** Unit price, 0 to 1e9, in the cart's currency (BRL by default). */
  price: number;
  /** 1 to 9999; defaults to 1. */
  quantity?: number;
}

export interface Cart {
  items: Required<CartItem>[];
  count: number;
  total: number;
  currency: string;
}

/** `{categoryId: granted}` for every consent category of the config. */
export type ConsentState = Record<string, boolean>;

/** What a consent change did. */
export interface ConsentChange {
  granted: string[];
  withdrawn: string[];
}

/** Why a rule or experiment is applied or not. */
export interface Decision {
  kind: 'rule' | 'experiment';
  id: string;
  applied: boolean;
  /** The experiment variant, when one was chosen. */
  variant?: string;
  /** `applied`, `assigned`, `assigned (sticky)`, `forced by URL`, `consent missing: <category>`,
   * `condition not met: <path>`, `overridden by <id> on <selector>`, `outside the experiment's coverage`, ... */
  reason: string;
}

export interface VitrineEvents {
  apply: { rule: string };
  /** The visitor now sees a rule or an experiment variant. */
  exposure: Decision;
  revert: { rule: string };
  consent: { state: ConsentState; source: string };
  warning: { message: string };
  erase: undefined;
  /** The cart holds items and the visitor showed exit intent or stayed idle (once per page view). */
  abandon: Cart;
  /** A pop-up (the `popup` action) appeared. */
  popup_shown: { rule: string; display: 'modal' | 'corner' | 'banner' | 'inline' };
  /** The visitor closed a pop-up: the close button, Escape, the backdrop of a modal, or a `[data-vitrine-close]` in it. */
  popup_dismissed: { rule: string; how: 'close' | 'escape' | 'backdrop' | 'action' };
  /** A link or button inside a pop-up was clicked. */
  popup_click: { rule: string; text: string; href: string | null };
  /**
   * A survey was answered: a `survey` action reached its thank-you step (with
   * `rule` and every `answers` entry; a text's `value` is null unless its question
   * has `keepText`), or `feedback.answer()` recorded scores. Never stored with the text.
   */
  survey_answered: {
    survey: string; rule?: string; nps?: number; csat?: number; ces?: number;
    answers?: SurveyAnswer[];
    language: string; sentiment: 'positive' | 'neutral' | 'negative' | null; recorded: boolean;
  };
  /** A survey (the `survey` action) appeared. */
  survey_shown: { rule: string; survey: string; display: 'modal' | 'corner' | 'banner' | 'inline' };
  /** The visitor closed a survey before its thank-you step; `answered` questions were kept. */
  survey_dismissed: { rule: string; survey: string; how: 'close' | 'escape' | 'backdrop' | 'action'; answered: number };
}

/** One answer of a survey, in the order given. */
export interface SurveyAnswer {
  question: string;
  type: 'nps' | 'csat' | 'ces' | 'single' | 'multiple' | 'text';
  value: number | string | string[] | null;
}

/** Props of a custom event or traits of a customer: primitive values only. */
export type Props = Record<string, string | number | boolean | null>;

export interface ConsentCategoryInfo {
  id: string;
  required: boolean;
  granted: boolean;
  label: Record<string, string>;
  description: Record<string, string>;
  /** Profile data collected under this category. */
  signals: string[];
  /** Rules and experiments that need it. */
  rules: string[];
  experiments: string[];
  /** Exposures are pushed to the dataLayer under it. */
  exposures: boolean;
}

export interface ConsentInfo {
  version: number;
  /** The built-in panel's language, or null when the site has its own UI. */
  ui: 'pt-BR' | 'en' | 'auto' | null;
  /** Global Privacy Control received and honoured. */
  gpc: boolean;
  gpcCategories: string[];
  /** Categories the visitor chose explicitly (panel or API), which CMP signals no longer change. */
  explicit: string[];
  categories: ConsentCategoryInfo[];
}

export interface StartOptions {
  /** The config object, or the URL of a JSON config. */
  config: VitrineConfig | string | URL;
  /** Log warnings to the console. */
  debug?: boolean;
  /** Where to load the wasm from (URL, Response, bytes or a compiled module). */
  wasm?: unknown;
  /** Event callbacks registered before start, so they also see the start's own events. */
  on?: { [K in keyof VitrineEvents]?: (detail: VitrineEvents[K]) => void };
  /** Called right before the first plan is applied, in the same task: the script-tag
   * loader's first swap (js/first-swap.js) hands the page back here, so no frame is
   * painted between its changes and the runtime's. */
  handover?: () => void;
}

export interface VitrineInstance {
  /** Counts a custom event by name (`events.<name>` in conditions) and keeps its last props
   * (`event_props.<name>.<prop>`; at most 5, strings cut at 64 characters). Returns false when consent is missing. */
  track(name: string, props?: Props): boolean;
  /** A known customer from the site's login: traits become `traits.*`, the id `customer.id`;
   * with `profile.identity.replaceAnonymousId` experiments bucket on it. `null` forgets the customer. */
  identify(id: string | null, traits?: Props): boolean;
  /** `"localStorage"`, or `"memory"` when the browser refuses storage (nothing then survives the page). */
  storage(): 'localStorage' | 'memory';
  cart: {
    /** Throws a VitrineError for an invalid item. Returns false when consent is missing. */
    add(item: CartItem): boolean;
    remove(id: string): boolean;
    /** Replaces the whole cart (for sites whose own cart is the source of truth). */
    set(items: CartItem[]): boolean;
    clear(): boolean;
    get(): Cart;
  };
  consent: {
    get(): ConsentState;
    /** For consent UIs and privacy centers: version, GPC, explicit choices, and per
     * category its texts, state and what it unlocks (signals, rules, experiments). */
    info(): ConsentInfo;
    /** Grants or withdraws; withdrawal purges and reverts before it returns. */
    set(changes: ConsentState): ConsentChange;
    acceptAll(): ConsentChange;
    rejectAll(): ConsentChange;
  };
  profile: {
    /** Everything stored about the visitor, as one JSON document. */
    export(): Record<string, unknown>;
    /** Deletes everything stored about the visitor, consent included. */
    erase(): void;
  };
  /** The attribute document conditions see right now. */
  /**
   * The sentiment of a text the visitor wrote, on the device (pt-BR or English;
   * `language` defaults to the page's `lang`). Recorded as `feedback.sentiment`
   * where `signals.feedback`'s category is granted (`recorded`); the text is never
   * kept. The first call per language fetches its lexicon.
   */
  sentiment(text: string, options?: { language?: string }): Promise<{ score: number; label: 'positive' | 'neutral' | 'negative'; recorded: boolean }>;
  feedback: {
    /**
     * A survey's answer: scores become `feedback.nps` / `nps_group` / `csat` / `ces` and
     * `feedback.<survey>.answered`; `text` is scored on the device and never kept.
     */
    answer(answer: { survey: string; nps?: number; csat?: number; ces?: number; text?: string; language?: string }): Promise<{ recorded: boolean; sentiment?: { score: number; label: 'positive' | 'neutral' | 'negative'; recorded: boolean } }>;
  };
  attributes(): Record<string, unknown>;
  /** Ids of the rules and experiments applied right now. */
  applied(): string[];
  /** The elements vitrine changed right now and the rule or experiment behind each. */
  changed(): { rule: string; element: Element }[];
  /** Why each rule and experiment is applied or not (rules first, config order). */
  decisions(): Decision[];
  /** Re-evaluates everything and re-applies to the DOM as it is now (e.g. after a re-render). */
  refresh(): void;
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof VitrineEvents>(name: K, callback: (detail: VitrineEvents[K]) => void): () => void;
  /** Resolves when the catalog is in use (a catalog of more than 250 products is
   * read in chunks after start, so the page is never blocked for long). */
  catalogReady: Promise<void>;
  /** The config's destinations (docs/config.md, "Goals and destinations"). */
  delivery: {
    /** Sends what is queued now; resolves when the beacons answered. */
    flush(): Promise<unknown>;
    /** Per destination, in config order. */
    state(): Array<{ type: 'dataLayer' | 'gtag' | 'segment' | 'rudderstack' | 'posthog' | 'beacon'; open: boolean; queued: number; bytes: number; drops: number }>;
  };
  /** Resolves when the delivery part is loaded (at once without destinations). */
  deliveryReady: Promise<void>;
  /** Reverts every change, detaches every listener, writes pending data. */
  stop(): void;
}

/** Loads the wasm module once; in Node, pass its bytes. */
export function init(wasm?: unknown): Promise<void>;
/** Starts vitrine on this page. */
export function start(options: StartOptions): Promise<VitrineInstance>;
/** Checks a config without starting. Needs no `init()`: loads the validator part (`wasm`: its bytes or URL, default the file next to the entry). */
export function validateConfig(config: unknown, options?: { wasm?: BufferSource | URL | string }): Promise<{ ok: boolean; errors: ConfigProblem[] }>;
export type { VitrineConfig as Config };
/** Saved groups in GrowthBook's shapes: a bare list, `{type: "list", attributeKey, values}` or `{type: "condition", condition}`. */
export type SavedGroups = Record<string, unknown[] | { type: 'list'; attributeKey?: string; values: unknown[] } | { type: 'condition'; condition: Record<string, unknown> }>;
/** GrowthBook-compatible condition evaluation (malformed parts evaluate to false, as in GrowthBook; `validateConfig` reports them). Needs no `init()`. */
export function evalCondition(attributes: Record<string, unknown>, condition: Record<string, unknown>, savedGroups?: SavedGroups): boolean;
/** GrowthBook's `getBucketRanges`: `[start, end)` per variation. */
export function getBucketRanges(numVariations: number, coverage?: number, weights?: number[]): [number, number][];
/** GrowthBook's `chooseVariation`: the index of the range holding `n`, or -1. */
export function chooseVariation(n: number, ranges: [number, number][]): number;
/** GrowthBook's `inNamespace(hashValue, [id, start, end])`. Call `init()` first. */
export function inNamespace(hashValue: string, namespace: [string, number, number]): boolean;
/** GrowthBook-compatible bucketing hash: a number in [0, 1), or null for an unknown version. Call `init()` first. */
export function hash(seed: string, value: string, version: number): number | null;
