//! The TypeScript type of the config (`VitrineConfig`), emitted into the generated
//! `vitrine_core.d.ts` next to the Rust that validates it, so the two are edited
//! together. `docs/config.md` explains every field.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const CONFIG_TYPES: &'static str = r#"
/** A condition: MongoDB-style query with GrowthBook's semantics. */
export type Condition = { [pathOrOperator: string]: unknown };

/** A DOM operation; `selector` is a CSS selector (all matches). */
export type Action =
  | { op: 'setText'; selector: string; text: string }
  | { op: 'setHtml'; selector: string; html: string }
  | { op: 'setAttr'; selector: string; name: string; value: string }
  | { op: 'addClass'; selector: string; class: string }
  | { op: 'hide'; selector: string };

/** Text per language (`pt-BR`, `en`, ...), or one text. */
export type Translated = string | { [language: string]: string };

export interface ConsentCategory {
  id: string;
  required?: boolean;
  label?: Translated;
  description?: Translated;
}

export type Trigger =
  | 'load'
  | 'exit'
  | { event: string }
  | { dwell: number }
  | { scroll: number }
  | { idle: number };

export interface Rule {
  id: string;
  description?: string;
  /** Categories the rule needs (default `personalization`). */
  consent?: string | string[];
  when?: Condition;
  priority?: number;
  trigger?: Trigger;
  frequency?: { max: number; per?: 'pageview' | 'session' | 'day' | 'visitor' };
  /** `start`/`end`: UTC times like "2026-12-24T18:00:00Z"; weekdays 0 (Sunday)–6; hours [from, to) local. */
  schedule?: { start?: string; end?: string; weekdays?: number[]; hours?: [number, number] };
  /** Share of visitors (0 – below 1) who never see the rule. */
  holdout?: number;
  actions: Action[];
}

export interface Segment {
  id: string;
  description?: string;
  when: Condition;
}

export interface Variant {
  id: string;
  /** All variants have a weight (summing to 1) or none do (equal weights). */
  weight?: number;
  /** None: a control variant. */
  actions?: Action[];
}

export interface Experiment {
  id: string;
  description?: string;
  consent?: string | string[];
  when?: Condition;
  seed?: string;
  hashVersion?: 1 | 2;
  coverage?: number;
  priority?: number;
  variants: Variant[];
}

/** The vitrine config, version 1 (see docs/config.md). */
export interface VitrineConfig {
  $schema?: string;
  version?: 1;
  consent?: { version?: number; categories?: ConsentCategory[] };
  /** The consent category each kind of collected data needs (default `personalization`). */
  signals?: Partial<
    Record<'visitor' | 'clicks' | 'cart' | 'dwell' | 'events' | 'experiments' | 'affinity' | 'identity', string>
  >;
  segments?: Segment[];
  rules?: Rule[];
  experiments?: Experiment[];
  /** Exposures pushed onto `window.dataLayer` as `{event: dataLayer, ...}` while `consent` is granted. */
  exposures?: { dataLayer: string; consent?: string | string[] };
  profile?: ProfileSettings;
}

/** How signals become profile data. */
export interface ProfileSettings {
  /** CSS selector → click key: a click inside a match counts as `clicks.<key>`. At most 50. */
  clicks?: { [selector: string]: string };
  /** Affinity scores halve every `halfLifeDays` (default 7). */
  affinity?: { halfLifeDays?: number };
  /** A non-empty cart and `idleSeconds` without interaction (default 60), or exit intent, is `cart.abandoned`. */
  abandonment?: { idleSeconds?: number };
  /** `replaceAnonymousId`: experiments bucket on the customer id from `identify`.
   * `urlParam`: a URL parameter carrying an opaque customer id (email/WhatsApp links). */
  identity?: { replaceAnonymousId?: boolean; urlParam?: string };
}
"#;
