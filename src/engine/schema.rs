//! The JSON Schema (draft 2020-12) of the config, written as data next to the
//! parsers it describes, for editors and TypeScript (never in the wasm).
//!
//! `cargo run --example schema` prints it; `scripts/gen-types.mjs` writes it to
//! `js/schema.json` and converts it to `js/config.d.ts` (`VitrineConfig`). The tests
//! below hold every object of the schema to the allowed-field list its parser
//! passes to `reader::object`, so a field added to one and not the other fails
//! `cargo test`. The schema checks shapes, types, enums and limits; what needs the
//! whole document (known consent categories and segments, duplicate ids, weights
//! summing to 1, selectors and templates that parse) stays with the parser
//! (`validateConfig`).
//!
//! This file is over 600 lines because it is the config's whole description in
//! one place: the JSON Schema of every section, with its tests.

use super::action::{DISPLAYS, OPS, POSITIONS, STYLE_PROPERTIES};
use super::consent_config::UI_LANGUAGES;
use super::gates::FREQUENCY_WINDOWS;
use super::reader::{MAX_CATEGORIES, MAX_ID_LEN, MAX_SELECTOR_LEN, MAX_TEXT_LEN};
use super::value::{Map, Value};

/// Where the schema says it lives (`$id`).
pub const SCHEMA_ID: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/schema.json");
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// One schema node under construction: an ordered JSON object.
#[derive(Debug, Clone)]
struct S(Map);

impl S {
    fn of(kind: &str) -> S {
        S(vec![("type".to_owned(), kind.into())])
    }
    fn set(mut self, key: &str, value: impl Into<Value>) -> S {
        self.0.push((key.to_owned(), value.into()));
        self
    }
    fn doc(self, text: &str) -> S {
        self.set("description", text)
    }
    fn default(self, value: impl Into<Value>) -> S {
        self.set("default", value)
    }
    fn min(self, n: f64) -> S {
        self.set("minimum", n)
    }
    fn max(self, n: f64) -> S {
        self.set("maximum", n)
    }
}

impl From<S> for Value {
    fn from(s: S) -> Value {
        Value::Object(s.0)
    }
}

fn list<T: Into<Value>>(items: impl IntoIterator<Item = T>) -> Value {
    Value::Array(items.into_iter().map(Into::into).collect())
}

fn string(max: usize) -> S {
    S::of("string").set("maxLength", max as f64)
}

/// Letters, digits, `- _ . :`, at most 64 characters (`reader::identifier`).
fn id() -> S {
    S::of("string")
        .set("minLength", 1.0)
        .set("maxLength", MAX_ID_LEN as f64)
        .set("pattern", "^[A-Za-z0-9._:-]+$")
}

fn selector() -> S {
    S::of("string")
        .set("minLength", 1.0)
        .set("maxLength", MAX_SELECTOR_LEN as f64)
        .set("pattern", "\\S")
}

fn text() -> S {
    string(MAX_TEXT_LEN)
}

fn attribute_name() -> S {
    S::of("string")
        .set("maxLength", 128.0)
        .set("pattern", "^[A-Za-z][A-Za-z0-9_:.-]*$")
}

fn integer(min: f64, max: f64) -> S {
    S::of("integer").min(min).max(max)
}

fn number(min: f64, max: f64) -> S {
    S::of("number").min(min).max(max)
}

fn boolean() -> S {
    S::of("boolean")
}

fn one_of_strings(values: &[&str]) -> S {
    S::of("string").set("enum", list(values.iter().copied()))
}

fn array(items: impl Into<Value>) -> S {
    S::of("array").set("items", items)
}

fn reference(name: &str) -> S {
    S(vec![("$ref".to_owned(), format!("#/$defs/{name}").into())])
}

/// An object with exactly these fields (`additionalProperties: false`).
fn closed(fields: Vec<(&str, S)>, required: &[&str]) -> S {
    let properties = Value::Object(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.into()))
            .collect(),
    );
    let mut node = S::of("object").set("properties", properties);
    if !required.is_empty() {
        node = node.set("required", list(required.iter().copied()));
    }
    node.set("additionalProperties", false)
}

/// A free-form map: any keys, every value `values`.
fn map(values: S) -> S {
    S::of("object").set("additionalProperties", values)
}

fn any_of(options: Vec<S>) -> S {
    S(vec![("anyOf".to_owned(), list(options))])
}

fn one_of(options: Vec<S>) -> S {
    S(vec![("oneOf".to_owned(), list(options))])
}

fn priority() -> S {
    integer(-1e6, 1e6)
        .doc("When rules or variants change the same element in the same way, the higher priority wins; on a tie the one earlier in the file.")
        .default(0.0)
}

fn consent_list(default: &str, doc: &str) -> S {
    reference("CategoryList").doc(doc).default(list([default]))
}

/// The `$defs` name of an operation's action object: `setText` → `SetTextAction`.
pub fn action_def(op: &str) -> String {
    let mut chars = op.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase());
    first.into_iter().chain(chars).collect::<String>() + "Action"
}

fn action(op: &str, doc: &str, fields: Vec<(&str, S)>, required: &[&str]) -> (String, S) {
    let mut props = vec![("op", S::of("string").set("const", op))];
    let mut req = vec!["op"];
    if op == "popup" || op == "survey" {
        props.push((
            "selector",
            selector().doc("Only for `display: \"inline\"`: the element the pop-up goes into."),
        ));
    } else if op != "redirect" {
        props.push((
            "selector",
            selector().doc("CSS selector of the targets (≤ 512 characters), checked with the browser's own parser at start."),
        ));
        props.push((
            "match",
            one_of_strings(&["all", "first"])
                .doc("`first`: only the first match.")
                .default("all"),
        ));
        req.push("selector");
    }
    if op == "popup" || op == "survey" {
        props.push((
            "match",
            one_of_strings(&["all", "first"])
                .doc("`first`: only the first match (inline).")
                .default("all"),
        ));
    }
    props.extend(fields);
    req.extend_from_slice(required);
    (op.to_owned(), closed(props, &req).doc(doc))
}

fn position() -> S {
    one_of_strings(POSITIONS).doc("Where, relative to each target.")
}

fn actions() -> Vec<(String, S)> {
    let template = |what: &str| text().doc(what);
    let class = || {
        S::of("string")
            .set("maxLength", 128.0)
            .set("pattern", "^\\S+$")
            .doc("One class name, without spaces.")
    };
    let defs = vec![
        action(
            "setText",
            "Replaces the content with text (never parsed as markup); reverted by putting the original nodes back.",
            vec![("text", template("The text: a template (`{{traits.first_name | default: \"você\"}}`)."))],
            &["text"],
        ),
        action(
            "setHtml",
            "Replaces the content with sanitized markup.",
            vec![("html", template("Markup (sanitized against an allowlist); a template."))],
            &["html"],
        ),
        action(
            "setAttr",
            "Sets an attribute; event handlers (`on*`), `style`, `srcdoc` and `is` are refused, URL attributes checked.",
            vec![
                ("name", attribute_name().doc("The attribute.")),
                ("value", template("The value: a template; URLs must be http(s), relative, mailto: or tel:.")),
            ],
            &["name", "value"],
        ),
        action(
            "removeAttr",
            "Removes an attribute; reverted in its original position.",
            vec![("name", attribute_name().doc("The attribute."))],
            &["name"],
        ),
        action(
            "addClass",
            "Adds one class.",
            vec![("class", class())],
            &["class"],
        ),
        action(
            "removeClass",
            "Removes one class.",
            vec![("class", class())],
            &["class"],
        ),
        action(
            "setStyle",
            "Sets inline `!important` properties from an allowlist.",
            vec![("style", reference("Style"))],
            &["style"],
        ),
        action("hide", "`display: none !important`.", vec![], &[]),
        action(
            "show",
            "Removes `hidden` and sets `display`.",
            vec![(
                "display",
                one_of_strings(DISPLAYS).doc("The display value.").default("block"),
            )],
            &[],
        ),
        action(
            "insert",
            "Inserts sanitized markup relative to each target; reverted by removing it.",
            vec![
                ("position", position()),
                ("html", template("Markup (sanitized); a template.")),
            ],
            &["position", "html"],
        ),
        action(
            "move",
            "Moves each target relative to the first element `to` matches.",
            vec![
                ("position", position()),
                ("to", selector().doc("CSS selector of the reference element.")),
            ],
            &["position", "to"],
        ),
        action(
            "reorder",
            "Sorts the target's element children by the number at `by.<child's key>`, highest first, ties in page order; re-sorted when the scores change.",
            vec![
                ("key", attribute_name().doc("The children's attribute holding their key, e.g. `data-category`.")),
                (
                    "by",
                    S::of("string")
                        .set("maxLength", 200.0)
                        .set("pattern", "^[^.]+(\\.[^.]+)*$")
                        .doc("An attribute path, e.g. `affinity.category`."),
                ),
            ],
            &["key", "by"],
        ),
        action("remove", "Removes each target; reverted by putting it back in place.", vec![], &[]),
        action(
            "redirect",
            "`location.replace(url)`: never to the same URL, at most 3 redirects in 10 s per tab.",
            vec![
                (
                    "url",
                    S::of("string")
                        .set("maxLength", 2048.0)
                        .set("pattern", "^(/([^/]|$)|[Hh][Tt][Tt][Pp][Ss]?://)")
                        .doc("A path on this site (`/...`) or an http(s) URL."),
                ),
                (
                    "crossOrigin",
                    boolean().doc("Allow a URL on another site.").default(false),
                ),
            ],
            &["url"],
        ),
        action(
            "recommend",
            "Renders recommended catalog products into the target; re-rendered when the recommendations change.",
            vec![
                ("slot", id().doc("The slot's id (in `recommendation_click` events).")),
                ("use", reference("RecommenderWeights")),
                (
                    "count",
                    integer(0.0, 24.0).doc("How many products.").default(4.0),
                ),
                (
                    "maxPerCategory",
                    integer(0.0, 24.0)
                        .doc("At most this many from one category (0: no limit).")
                        .default(0.0),
                ),
                (
                    "excludePurchased",
                    boolean()
                        .doc("Leave out products the visitor bought (GA4 `purchase`).")
                        .default(true),
                ),
                (
                    "template",
                    template("Markup for one item: `{{item.id}}`, `{{item.name}}`, `{{item.url}}`, `{{item.image}}`, `{{item.price | currency: \"BRL\"}}`, `{{item.category}}`, `{{item.brand}}`, `{{rank}}`."),
                ),
            ],
            &["slot", "use", "template"],
        ),
        action(
            "popup",
            "A pop-up: a modal `<dialog>` (focus moves in and back, the page inert, Escape closes), or a corner, banner or inline box announced by a polite live region. Held back by the shared cooldown (`prompts`), one at a time, and its `recontact`.",
            popup_fields("untilDismissed"),
            &["html", "label"],
        ),
        action(
            "survey",
            "A survey (1-10 questions: NPS, CSAT, CES, single or multiple choice, open text; branching; a thank-you step), shown as a pop-up (the same `display`, cooldown, sampling and `recontact`) or inline. Shown only while `signals.feedback`'s category is granted; answers become `feedback.*`.",
            {
                let mut fields = popup_fields("once");
                fields.extend(survey_fields());
                fields
            },
            &["survey", "label", "questions"],
        ),
    ];
    // In the parser's order; an operation without a schema is a bug here.
    OPS.iter()
        .map(|op| {
            let (_, def) = defs
                .iter()
                .find(|(o, _)| o == op)
                .unwrap_or_else(|| panic!("no schema for the operation {op}"));
            (action_def(op), def.clone())
        })
        .collect()
}

/// A pop-up's fields (a survey has them too; its `html` is an optional intro).
fn popup_fields(recontact_default: &str) -> Vec<(&'static str, S)> {
    let template = |what: &str| text().doc(what);
    vec![
                (
                    "display",
                    one_of_strings(super::prompt::DISPLAYS)
                        .doc("`modal`, `corner`, `banner`, or `inline` (into `selector`).")
                        .default("modal"),
                ),
                ("html", template("Markup, sanitized as for `setHtml` (templates allowed). A link or button with `data-vitrine-close` closes it.")),
                ("label", string(200).set("minLength", 1.0).doc("The accessible name announced for it.")),
                ("closeLabel", string(200).doc("The close button's accessible name (default: \"Fechar\" / \"Close\" by the page's language).")),
                (
                    "recontact",
                    any_of(vec![
                        one_of_strings(super::prompt::RECONTACTS),
                        closed(vec![("everyDays", integer(1.0, 3650.0))], &["everyDays"]),
                    ])
                    .doc("When a visitor who saw it may see it again: `untilDismissed` (until they close it), `once`, or `{\"everyDays\": n}`.")
                    .default(recontact_default),
                ),
                (
                    "sample",
                    S::of("number").set("exclusiveMinimum", 0.0).max(1.0).doc("Share of visitors who may see it (a stable hash of the visitor id).").default(1.0),
                ),
                (
                    "minTimeOnPage",
                    number(0.0, 3_600_000.0).doc("Visible milliseconds on the page before it may show.").default(0.0),
                ),
                (
                    "shadow",
                    boolean().doc("Inside a shadow root (the page's styles do not reach it; theme it with the `--vitrine-*` CSS variables).").default(true),
                ),
            ]
}

fn survey_fields() -> Vec<(&'static str, S)> {
    let question = closed(
        vec![
            ("id", id().doc("The answer's name: `feedback.<survey>.<id>` (not `answered`).")),
            ("type", one_of_strings(super::survey::KINDS).doc("`nps` (0-10), `csat` (1-5), `ces` (1-7), `single` or `multiple` choice, `text` (open, scored for sentiment on the device, never kept).")),
            ("text", reference("Translated").doc("The question.")),
            ("low", reference("Translated").doc("Rating questions: the label of the lowest score (default: \"Nada provável\" / \"Not at all likely\" and the like).")),
            ("high", reference("Translated").doc("Rating questions: the label of the highest score.")),
            ("style", one_of_strings(&["number", "emoji"]).doc("CSAT: numbers or five faces.").default("number")),
            ("options", array(closed(vec![("value", id()), ("label", reference("Translated"))], &["value", "label"])).set("minItems", 2.0).set("maxItems", super::survey::MAX_OPTIONS as f64).doc("Choice questions: the options.")),
            ("required", boolean().doc("Must be answered to go on (default: true, false for text).")),
            ("placeholder", reference("Translated").doc("Text questions: the hint in the empty box.")),
            ("keepText", boolean().doc("Text questions: the text goes in the `survey_answered` event (otherwise only its sentiment). It is never stored.").default(false)),
            ("next", array(closed(vec![
                ("answer", S(Vec::new()).doc("The answer(s) this branch is for (a score, an option value, or a list of them); absent: any answer.")),
                ("goto", string(64).doc("A later question's id, or `end` (the thank-you step).")),
            ], &["goto"])).doc("Branching: the first branch whose answer matches decides the next question; otherwise the next one in the list.")),
        ],
        &["id", "type", "text"],
    );
    vec![
        ("survey", id().doc("The survey's id: `feedback.<survey>.answered` (letters, digits, - and _; not nps, nps_group, csat, ces, sentiment).")),
        ("questions", array(question).set("minItems", 1.0).set("maxItems", super::survey::MAX_QUESTIONS as f64).doc("The questions, in order.")),
        ("thanks", reference("Translated").doc("The thank-you step (default: \"Obrigado pela sua resposta!\" / \"Thank you for your answer!\").")),
    ]
}

fn style() -> S {
    let value = S::of("string")
        .set("minLength", 1.0)
        .set("maxLength", 200.0)
        .set("pattern", "^[^\\\\;{}<>@\"']+$");
    let props = STYLE_PROPERTIES
        .iter()
        .map(|p| (*p, value.clone()))
        .collect();
    closed(props, &[])
        .set("minProperties", 1.0)
        .doc("`{property: value}` from an allowlist of looks (not layout tricks or loads); values are plain CSS: no url(), image(), expression(), var(), escapes or ; { } < > @ quotes.")
}

fn recommender_weights() -> S {
    let weight = |doc: &str| {
        S::of("number")
            .set("exclusiveMinimum", 0.0)
            .max(100.0)
            .doc(doc)
    };
    closed(
        vec![
            ("complements", weight("The complement weights from the cart's items and the product being viewed.")),
            ("affinity", weight("The visitor's category affinity + ½ brand affinity (decayed).")),
            ("recently_viewed", weight("How recently the visitor viewed or clicked it (20 kept).")),
            ("trending_in_session", weight("The visitor's interactions with it in this session.")),
            ("similar", weight("Likeness to the product being viewed (or the last viewed): category, shared tags, price band.")),
        ],
        &[],
    )
    .set("minProperties", 1.0)
    .doc("`{recommender: weight}` (above 0, at most 100); each recommender's scores are scaled to [0, 1] by its best one, then combined with these weights.")
}

fn model_weights() -> S {
    let w = |doc: &str| number(-1e6, 1e6).doc(doc);
    closed(
        vec![
            ("visits", w("Page views so far.")),
            ("sessions", w("Sessions so far.")),
            ("returning", w("1 after the first page view.")),
            (
                "days_since_last",
                w("Whole days since the previous session (0 if none)."),
            ),
            ("dwell_page_s", w("Active seconds on this page.")),
            ("dwell_total_s", w("Active seconds in total.")),
            ("cart_count", w("Items in the cart.")),
            ("cart_total", w("Value of the cart.")),
            (
                "cart_abandoned",
                w("1 when the cart was abandoned in this page view."),
            ),
            ("scroll_max_pct", w("Deepest scroll on this page, 0–100.")),
            ("clicks_total", w("Sum of all click counters.")),
            ("events_total", w("Sum of all event counters.")),
            (
                "affinity_concentration",
                w("The top category's share of all category affinity."),
            ),
            ("customer_known", w("1 after `identify`.")),
            ("hour", w("Local hour, 0–23.")),
            ("device_mobile", w("1 on a phone-sized viewport.")),
            ("channel_email", w("1 when the visitor arrived from email.")),
            (
                "channel_whatsapp",
                w("1 when the visitor arrived from WhatsApp."),
            ),
            (
                "channel_social",
                w("1 when the visitor arrived from social media."),
            ),
            (
                "channel_search",
                w("1 when the visitor arrived from a search engine."),
            ),
            (
                "channel_paid",
                w("1 when the visitor arrived from a paid campaign."),
            ),
            (
                "channel_referral",
                w("1 when the visitor arrived from another site."),
            ),
            ("channel_direct", w("1 when the visitor arrived directly.")),
        ],
        &[],
    )
    .doc("`{feature: weight}` (docs/models.md).")
}

fn defs() -> Vec<(String, S)> {
    let timestamp = |doc: &str| {
        S::of("string")
            .set(
                "pattern",
                "^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}T[0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\\.[0-9]+)?)?Z$",
            )
            .doc(doc)
    };
    let hour = integer(0.0, 24.0);
    let mut defs: Vec<(String, S)> = vec![
        (
            "Condition".into(),
            S::of("object")
                .set("additionalProperties", true)
                .doc("A MongoDB-style query document with GrowthBook's `evalCondition` semantics: attribute paths and `$and`/`$or`/`$nor`/`$not` as keys, values or operator objects (`$eq $ne $gt $gte $lt $lte $in $nin $ini $nini $all $alli $exists $type $elemMatch $size $not $regex $regexi $veq $vne $vgt $vgte $vlt $vlte`) as values."),
        ),
        (
            "CategoryList".into(),
            any_of(vec![id(), array(id())])
                .doc("One consent category id or a list; every one must be granted."),
        ),
        (
            "Translated".into(),
            any_of(vec![string(500), map(string(500))])
                .doc("One text, or a text per language: `{\"pt-BR\": \"...\", \"en\": \"...\"}`."),
        ),
        (
            "Consent".into(),
            closed(
                vec![
                    (
                        "version",
                        integer(1.0, f64::from(u32::MAX))
                            .doc("Raising it voids consent given to earlier versions: visitors are asked again.")
                            .default(1.0),
                    ),
                    (
                        "categories",
                        array(reference("ConsentCategory"))
                            .set("maxItems", MAX_CATEGORIES as f64)
                            .doc("The consent categories (default `necessary`, `preferences`, `analytics`, `personalization`, `marketing`); `necessary` must be present."),
                    ),
                    ("bridges", reference("Bridges")),
                    ("ui", reference("ConsentPanel")),
                ],
                &[],
            )
            .doc("Consent categories, version, bridges (Consent Mode, TCF, GPC), the built-in panel."),
        ),
        (
            "ConsentCategory".into(),
            closed(
                vec![
                    ("id", id().doc("Letters, digits, `- _ . :` (≤ 64).")),
                    (
                        "required",
                        boolean().doc("Always granted (default: only for `necessary`, which is always required)."),
                    ),
                    ("label", reference("Translated").doc("For consent panels.")),
                    ("description", reference("Translated").doc("For consent panels.")),
                ],
                &["id"],
            )
            .doc("A consent category. Consent is opt-in: only required categories are granted until the visitor grants more."),
        ),
        (
            "ConsentPanel".into(),
            any_of(vec![
                boolean(),
                closed(
                    vec![(
                        "language",
                        one_of_strings(UI_LANGUAGES)
                            .doc("`auto`: the page's `lang`.")
                            .default("auto"),
                    )],
                    &[],
                ),
            ])
            .doc("vitrine's built-in banner and preferences panel: `true` or `{ \"language\": \"pt-BR\" | \"en\" | \"auto\" }`."),
        ),
        (
            "Bridges".into(),
            closed(
                vec![
                    (
                        "consentMode",
                        any_of(vec![boolean(), map(id())])
                            .doc("Google Consent Mode (`gtag('consent', ...)` on the dataLayer): on by default; `{signal: category}` replaces the mapping table; `false` turns it off.")
                            .default(true),
                    ),
                    (
                        "tcf",
                        any_of(vec![
                            boolean(),
                            map(id()).set(
                                "propertyNames",
                                S::of("string").set("pattern", "^([2-9]|1[01])$"),
                            ),
                        ])
                        .doc("IAB TCF v2.2 (`__tcfapi`): on by default; `{purpose: category}` (purposes 2–11; purpose 1 is always required) replaces the table; `false` turns it off.")
                        .default(true),
                    ),
                    (
                        "gpc",
                        any_of(vec![boolean(), array(id())])
                            .doc("Global Privacy Control: denies these categories (default `[\"marketing\"]`); `false` turns it off.")
                            .default(true),
                    ),
                    (
                        "emitConsentMode",
                        boolean()
                            .doc("When vitrine's panel is the site's consent tool, a choice in it also calls `gtag('consent', 'update', {...})`.")
                            .default(false),
                    ),
                    (
                        "cmpTrustDays",
                        integer(1.0, 3650.0)
                            .doc("How long a choice a CMP reported stays trusted without the CMP saying it again (days).")
                            .default(395.0),
                    ),
                ],
                &[],
            )
            .doc("The consent signals a site already has: Consent Mode, TCF, GPC."),
        ),
        (
            "Signals".into(),
            closed(
                vec![
                    ("visitor", id().doc("Visits, sessions, first/last seen, the visitor id.")),
                    ("clicks", id().doc("Click counters.")),
                    ("cart", id().doc("The cart.")),
                    ("dwell", id().doc("Dwell time, also scroll, idle, exit intent and time on marked elements.")),
                    ("events", id().doc("Counts and the last props of `track`.")),
                    ("experiments", id().doc("Sticky assignments and frequency-cap counts.")),
                    ("affinity", id().doc("Category and brand scores.")),
                    ("identity", id().doc("The customer id and traits from `identify`.")),
                    ("search", id().doc("On-site search terms (redacted), searches without results, categories clicked after a search.")),
                    ("feedback", id().doc("What the visitor told the site: the sentiment (label, score) of the last text scored by `sentiment()`; never the text.")),
                ],
                &[],
            )
            .doc("The consent category each part of the visitor profile is collected and stored under (default `personalization`)."),
        ),
        (
            "SavedGroup".into(),
            any_of(vec![
                array(any_of(vec![S::of("string"), S::of("number"), S::of("boolean")]))
                    .set("maxItems", super::saved_groups::MAX_GROUP_VALUES as f64)
                    .doc("The values an attribute is looked up in."),
                closed(
                    vec![
                        ("type", S(vec![("const".to_owned(), "list".into())])),
                        ("attributeKey", id().doc("The attribute `$savedGroup` reads unless the reference names another.")),
                        (
                            "values",
                            array(any_of(vec![S::of("string"), S::of("number"), S::of("boolean")]))
                                .set("maxItems", super::saved_groups::MAX_GROUP_VALUES as f64),
                        ),
                    ],
                    &["type", "values"],
                ),
                closed(
                    vec![
                        ("type", S(vec![("const".to_owned(), "condition".into())])),
                        ("condition", reference("Condition")),
                    ],
                    &["type", "condition"],
                ),
            ])
            .doc("A saved group: a bare list, a list with its attribute, or a condition."),
        ),
        (
            "Segment".into(),
            closed(
                vec![
                    ("id", id().doc("Unique.")),
                    ("description", string(2000).doc("For people.")),
                    ("when", reference("Condition").doc("Who is in the segment.")),
                ],
                &["id", "when"],
            )
            .doc("A named condition; the attribute `segments` lists those the visitor is in."),
        ),
        (
            "Rule".into(),
            closed(
                vec![
                    ("id", id().doc("Unique; letters, digits, `- _ . :`.")),
                    ("description", string(2000).doc("For people.")),
                    (
                        "consent",
                        consent_list(
                            "personalization",
                            "Every category the rule needs; it applies only while all are granted.",
                        ),
                    ),
                    ("when", reference("Condition").doc("When the rule applies (default: always).")),
                    ("priority", priority()),
                    (
                        "actions",
                        array(reference("Action"))
                            .set("minItems", 1.0)
                            .set("maxItems", super::action::MAX_ACTIONS as f64)
                            .doc("What the rule changes."),
                    ),
                    ("trigger", reference("Trigger")),
                    ("frequency", reference("Frequency")),
                    ("schedule", reference("Schedule")),
                    (
                        "holdout",
                        S::of("number")
                            .min(0.0)
                            .set("exclusiveMaximum", 1.0)
                            .doc("Share of visitors (by a stable hash of rule id and visitor id) who never see the rule.")
                            .default(0.0),
                    ),
                ],
                &["id", "actions"],
            )
            .doc("A personalization rule."),
        ),
        (
            "Trigger".into(),
            one_of(vec![
                one_of_strings(&["load", "exit"])
                    .doc("`load`: as soon as the condition holds; `exit`: exit intent."),
                closed(
                    vec![(
                        "event",
                        S::of("string")
                            .set("minLength", 1.0)
                            .set("maxLength", 64.0)
                            .doc("After `track(name)` in this page view."),
                    )],
                    &["event"],
                ),
                closed(
                    vec![("dwell", S::of("number").min(0.0).doc("After this many ms of visible time on the page."))],
                    &["dwell"],
                ),
                closed(
                    vec![("scroll", number(0.0, 100.0).doc("After scrolling this far (percent)."))],
                    &["scroll"],
                ),
                closed(
                    vec![("idle", S::of("number").min(0.0).doc("After this many ms without interaction."))],
                    &["idle"],
                ),
            ])
            .doc("What must have happened in this page view first; once fired it stays fired until the next page view.")
            .default("load"),
        ),
        (
            "Frequency".into(),
            closed(
                vec![
                    ("max", integer(1.0, 1e6).doc("How many times.")),
                    (
                        "per",
                        one_of_strings(FREQUENCY_WINDOWS)
                            .doc("The window (`day` is a UTC day).")
                            .default("visitor"),
                    ),
                ],
                &["max"],
            )
            .doc("How often the rule may start showing; a rule already showing keeps showing."),
        ),
        (
            "Schedule".into(),
            closed(
                vec![
                    ("start", timestamp("A UTC time like `2026-12-24T18:00:00Z`.")),
                    ("end", timestamp("A UTC time, exclusive; after `start`.")),
                    (
                        "weekdays",
                        array(integer(0.0, 6.0))
                            .set("minItems", 1.0)
                            .doc("0 (Sunday) – 6, in the visitor's local time."),
                    ),
                    (
                        "hours",
                        S::of("array")
                            .set("prefixItems", list([hour.clone(), hour]))
                            .set("items", false)
                            .set("minItems", 2.0)
                            .set("maxItems", 2.0)
                            .doc("`[from, to)` local hours; `[22, 6]` wraps midnight."),
                    ),
                ],
                &[],
            )
            .doc("When the rule may apply (default: always)."),
        ),
        (
            "Action".into(),
            one_of(OPS.iter().map(|op| reference(&action_def(op))).collect())
                .doc("A DOM operation, by `op`; reverting it gives back the page exactly as it was."),
        ),
    ];
    defs.extend(actions());
    defs.extend([
        ("Style".into(), style()),
        ("RecommenderWeights".into(), recommender_weights()),
        (
            "Experiment".into(),
            closed(
                vec![
                    ("id", id().doc("Unique.")),
                    ("description", string(2000).doc("For people.")),
                    ("consent", consent_list("personalization", "As for rules.")),
                    ("when", reference("Condition").doc("Who may enter (default: everyone).")),
                    ("seed", id().doc("Hashing seed (default: the id).")),
                    (
                        "hashVersion",
                        S::of("integer")
                            .set("enum", list([1.0, 2.0]))
                            .doc("GrowthBook's hash version.")
                            .default(2.0),
                    ),
                    (
                        "coverage",
                        number(0.0, 1.0).doc("Share of visitors in the experiment.").default(1.0),
                    ),
                    ("priority", priority()),
                    (
                        "variants",
                        array(reference("Variant"))
                            .set("minItems", 1.0)
                            .set("maxItems", super::experiment::MAX_VARIANTS as f64)
                            .doc("Weights all given (summing to 1) or none (equal)."),
                    ),
                    (
                        "bandit",
                        closed(
                            vec![
                                (
                                    "posterior",
                                    string(super::delivery::MAX_URL_LEN)
                                        .doc("The posterior file `vitrine report --bandit` writes, as the site publishes it (a path on the site or an http(s) URL)."),
                                ),
                                (
                                    "floor",
                                    number(0.0, super::experiment::MAX_BANDIT_FLOOR)
                                        .doc("The least weight every arm keeps.")
                                        .default(0.01),
                                ),
                            ],
                            &["posterior"],
                        )
                        .doc("A bandit: new visitors are assigned by Thompson sampling over the posterior (the variants' weights when it cannot be read); assignments stay sticky."),
                    ),
                ],
                &["id", "variants"],
            )
            .doc("An A/B experiment, bucketed as GrowthBook does."),
        ),
        (
            "Variant".into(),
            closed(
                vec![
                    ("id", id().doc("Unique in the experiment.")),
                    ("weight", number(0.0, 1.0).doc("Share of the covered visitors.")),
                    (
                        "actions",
                        array(reference("Action"))
                            .set("maxItems", super::action::MAX_ACTIONS as f64)
                            .doc("None: a control variant."),
                    ),
                ],
                &["id"],
            )
            .doc("A variant of an experiment."),
        ),
        (
            "Exposures".into(),
            closed(
                vec![
                    (
                        "dataLayer",
                        any_of(vec![
                            boolean(),
                            closed(
                                vec![(
                                    "event",
                                    id().doc("The event name.").default("vitrine_exposure"),
                                )],
                                &[],
                            ),
                        ])
                        .doc("`true` or `{ \"event\": name }` (default event `vitrine_exposure`)."),
                    ),
                    (
                        "consent",
                        consent_list("analytics", "Exposures are pushed only while all these are granted."),
                    ),
                ],
                &[],
            )
            .doc("Also push every exposure onto `window.dataLayer` as `{event, vitrine_kind, vitrine_id, vitrine_variant}`."),
        ),
        (
            "Goal".into(),
            closed(
                vec![
                    ("id", id().doc("The goal's name: the `event` of its conversions (`vitrine report --goal <id>`).")),
                    ("event", id().doc("A `track()` name or a dataLayer event (`purchase`: revenue from `value`, `currency`).")),
                    ("click", selector().doc("A click on an element matching this selector (or inside one), once per page view.")),
                    ("page", string(MAX_SELECTOR_LEN).doc("A page view whose path and query match this regular expression.")),
                    (
                        "dwell",
                        closed(
                            vec![
                                ("selector", selector().doc("The element to watch.")),
                                (
                                    "ms",
                                    number(1.0, super::delivery::MAX_DWELL_MS)
                                        .doc("Time in view in one page view."),
                                ),
                            ],
                            &["selector", "ms"],
                        )
                        .doc("An element in view this long, once per page view."),
                    ),
                ],
                &["id"],
            )
            .doc("A conversion: exactly one of `event`, `click`, `page`, `dwell`. Its events carry the rules and experiment variants the visitor is exposed to."),
        ),
        (
            "Destination".into(),
            closed(
                vec![
                    (
                        "type",
                        one_of_strings(super::delivery::DESTINATION_TYPES)
                            .doc("`dataLayer` (GTM), `gtag` (GA4), `segment` / `rudderstack` (`analytics.track`), `posthog` (`posthog.capture`), `beacon` (JSON batches to the site's collector)."),
                    ),
                    (
                        "consent",
                        consent_list(super::delivery::DEFAULT_CATEGORY, "Events are queued and sent only while all these are granted; withdrawal drops the queue."),
                    ),
                    ("url", string(super::delivery::MAX_URL_LEN).doc("beacon: the collector, a path on this site or an http(s) URL.")),
                    ("crossOrigin", boolean().doc("beacon: allow a collector on another origin.").default(false)),
                    ("batchSize", integer(1.0, 100.0).doc("beacon: events per request.").default(super::delivery::BATCH_SIZE)),
                    ("flushMs", integer(100.0, 60_000.0).doc("beacon: the longest an event waits for its batch.").default(super::delivery::FLUSH_MS)),
                ],
                &["type"],
            )
            .doc("Where exposures and conversions go."),
        ),
        (
            "ProfileSettings".into(),
            closed(
                vec![
                    (
                        "clicks",
                        map(id())
                            .set(
                                "propertyNames",
                                S::of("string")
                                    .set("minLength", 1.0)
                                    .set("maxLength", MAX_SELECTOR_LEN as f64),
                            )
                            .set(
                                "maxProperties",
                                super::tracking::MAX_CLICK_SELECTORS as f64,
                            )
                            .doc("CSS selector → click key (≤ 50): a click inside a match counts as `clicks.<key>`."),
                    ),
                    (
                        "affinity",
                        closed(
                            vec![(
                                "halfLifeDays",
                                S::of("number")
                                    .set("exclusiveMinimum", 0.0)
                                    .max(3650.0)
                                    .doc("Affinity scores halve every this many days.")
                                    .default(7.0),
                            )],
                            &[],
                        )
                        .doc("How fast category and brand affinity fades."),
                    ),
                    (
                        "abandonment",
                        closed(
                            vec![(
                                "idleSeconds",
                                S::of("number")
                                    .set("exclusiveMinimum", 0.0)
                                    .max(86_400.0)
                                    .doc("A non-empty cart plus exit intent, or this long without interaction, is `cart.abandoned`.")
                                    .default(60.0),
                            )],
                            &[],
                        )
                        .doc("When a full cart left alone counts as abandoned."),
                    ),
                    (
                        "identity",
                        closed(
                            vec![
                                (
                                    "replaceAnonymousId",
                                    boolean()
                                        .doc("Once `identify(id)` named the customer, experiments and holdouts bucket on that id.")
                                        .default(false),
                                ),
                                (
                                    "urlParam",
                                    string(64).doc("A URL parameter carrying an opaque customer id (never an email address), read as `identify(value)` on arrival."),
                                ),
                            ],
                            &[],
                        )
                        .doc("Whether a known customer id replaces the anonymous one."),
                    ),
                    (
                        "search",
                        closed(
                            vec![(
                                "urlParam",
                                string(64).doc("The query parameter of the search results URL (`q` in `/busca?q=`): arriving with it is a search for its value."),
                            )],
                            &[],
                        )
                        .doc("Where on-site searches are read besides GA4's `search` events and `track('search', {term})`."),
                    ),
                ],
                &[],
            )
            .doc("How signals become profile data: click selectors, affinity half-life, abandonment, identity, search."),
        ),
        (
            "Catalog".into(),
            closed(
                vec![
                    (
                        "products",
                        array(reference("Product"))
                            .set("maxItems", super::catalog::MAX_PRODUCTS as f64)
                            .doc("Up to 10,000; a catalog of more than 250 is read after start, in chunks."),
                    ),
                    (
                        "complements",
                        array(reference("Complement"))
                            .set("maxItems", super::catalog::MAX_COMPLEMENTS as f64)
                            .doc("Pairs count both ways."),
                    ),
                ],
                &[],
            )
            .doc("Products and complements for the `recommend` action."),
        ),
        (
            "Product".into(),
            closed(
                vec![
                    ("id", string(MAX_ID_LEN).set("minLength", 1.0).doc("Unique.")),
                    ("name", string(200).doc("`{{item.name}}`.")),
                    ("url", string(2048).doc("http(s) or relative.")),
                    ("image", string(2048).doc("http(s) or relative.")),
                    ("price", number(0.0, 1e9).doc("0 – 1e9.")),
                    ("category", string(48).doc("For affinity, diversity and `similar`.")),
                    ("brand", string(48).doc("For affinity.")),
                    (
                        "tags",
                        array(string(48))
                            .set("maxItems", super::catalog::MAX_TAGS as f64)
                            .doc("For `similar` (≤ 20)."),
                    ),
                    (
                        "available",
                        boolean().doc("`false`: never recommended.").default(true),
                    ),
                ],
                &["id"],
            )
            .doc("A catalog product."),
        ),
        (
            "Complement".into(),
            {
                let tuple = |items: Vec<S>| {
                    let n = items.len() as f64;
                    S::of("array")
                        .set("prefixItems", list(items))
                        .set("items", false)
                        .set("minItems", n)
                        .set("maxItems", n)
                };
                let product = || S::of("string");
                any_of(vec![
                    tuple(vec![product(), product()]),
                    tuple(vec![
                        product(),
                        product(),
                        S::of("number").set("exclusiveMinimum", 0.0),
                    ]),
                ])
                .doc("`[productA, productB, weight > 0]` (weight default 1), both products known.")
            },
        ),
        (
            "Model".into(),
            closed(
                vec![
                    ("id", id().doc("The score is the attribute `predict.<id>`.")),
                    ("description", string(2000).doc("For people.")),
                    ("bias", number(-1e6, 1e6).doc("The intercept.").default(0.0)),
                    ("weights", reference("ModelWeights")),
                ],
                &["id", "weights"],
            )
            .doc("A logistic regression over named profile features: `1 / (1 + e^-(bias + Σ weight × feature))`."),
        ),
        ("ModelWeights".into(), model_weights()),
    ]);
    defs
}

/// The JSON Schema of the whole config.
pub fn config_schema() -> Value {
    let root = closed(
        vec![
            (
                "$schema",
                S::of("string").doc("Ignored by vitrine; lets an editor find this schema, e.g. `./node_modules/vitrine/schema.json`."),
            ),
            (
                "version",
                S(vec![("const".to_owned(), 1.0.into())])
                    .doc("The config format version.")
                    .default(1.0),
            ),
            ("consent", reference("Consent")),
            ("signals", reference("Signals")),
            (
                "segments",
                array(reference("Segment"))
                    .set("maxItems", super::segment::MAX_SEGMENTS as f64)
                    .doc("Named conditions; the attribute `segments` lists those the visitor is in."),
            ),
            (
                "rules",
                array(reference("Rule"))
                    .set("maxItems", super::config::MAX_RULES as f64)
                    .doc("The personalization rules."),
            ),
            (
                "experiments",
                array(reference("Experiment"))
                    .set("maxItems", super::experiment::MAX_EXPERIMENTS as f64)
                    .doc("A/B experiments."),
            ),
            (
                "savedGroups",
                map(reference("SavedGroup"))
                    .set("maxProperties", super::saved_groups::MAX_GROUPS as f64)
                    .doc("Named lists of ids (or named conditions), GrowthBook's shapes: conditions test them with `$inGroup` / `$notInGroup` and `{\"$savedGroup\": {\"id\"}}`."),
            ),
            ("profile", reference("ProfileSettings")),
            ("catalog", reference("Catalog")),
            (
                "models",
                array(reference("Model"))
                    .set("maxItems", super::model::MAX_MODELS as f64)
                    .doc("Prediction models: `predict.<id>` attributes (docs/models.md)."),
            ),
            ("exposures", reference("Exposures")),
            (
                "goals",
                array(reference("Goal"))
                    .set("maxItems", super::delivery::MAX_GOALS as f64)
                    .doc("Conversions, delivered with the exposures (docs/config.md, \"Goals and destinations\")."),
            ),
            (
                "destinations",
                array(reference("Destination"))
                    .set("maxItems", super::delivery::MAX_DESTINATIONS as f64)
                    .doc("The site's own pipeline: exposures and goal events, queued in the browser and sent while their consent is granted."),
            ),
            (
                "prompts",
                closed(
                    vec![(
                        "cooldownDays",
                        number(0.0, 365.0)
                            .doc("After any pop-up was shown, no pop-up shows for this many days (0: none).")
                            .default(super::prompt::DEFAULT_COOLDOWN_DAYS),
                    )],
                    &[],
                )
                .doc("What every pop-up shares."),
            ),
        ],
        &[],
    );
    let mut node = vec![
        ("$schema".to_owned(), Value::from(DIALECT)),
        ("$id".to_owned(), Value::from(SCHEMA_ID)),
        ("title".to_owned(), Value::from("vitrine config")),
        (
            "description".to_owned(),
            Value::from("The vitrine config, version 1 (docs/config.md). Unknown fields are errors; `validateConfig` also checks what a schema cannot (known categories and segments, unique ids, selectors, templates)."),
        ),
    ];
    node.extend(root.0);
    node.push((
        "$defs".to_owned(),
        Value::Object(defs().into_iter().map(|(k, v)| (k, v.into())).collect()),
    ));
    Value::Object(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::profile::Aggregate;
    use crate::engine::{action, bridges, catalog, config, experiment, gates, model};
    use crate::engine::{recommend, segment, tracking};

    /// Every schema keyword used here; anything else is a typo.
    const KEYWORDS: &[&str] = &[
        "$schema",
        "$id",
        "$ref",
        "$defs",
        "title",
        "description",
        "default",
        "type",
        "properties",
        "required",
        "additionalProperties",
        "propertyNames",
        "minProperties",
        "maxProperties",
        "items",
        "prefixItems",
        "minItems",
        "maxItems",
        "enum",
        "const",
        "oneOf",
        "anyOf",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "pattern",
    ];

    /// Objects with any keys (their values are still checked).
    const FREE_FORM: &[&str] = &[
        "/$defs/Condition",
        "/properties/savedGroups",
        "/$defs/Translated/anyOf/1",
        "/$defs/Bridges/properties/consentMode/anyOf/1",
        "/$defs/Bridges/properties/tcf/anyOf/1",
        "/$defs/ProfileSettings/properties/clicks",
    ];

    /// Every object with fields in the schema, and the list its parser allows.
    fn parser_fields() -> Vec<(String, Vec<&'static str>)> {
        let aggregates: Vec<&str> = Aggregate::ALL.iter().map(|a| a.name()).collect();
        let features: Vec<&str> = model::FEATURES.iter().map(|f| f.name).collect();
        let mut table: Vec<(String, Vec<&str>)> = vec![
            ("", config::ROOT_FIELDS.to_vec()),
            (
                "/$defs/Consent",
                crate::engine::consent_config::CONSENT_FIELDS.to_vec(),
            ),
            (
                "/$defs/ConsentCategory",
                crate::engine::consent_config::CATEGORY_FIELDS.to_vec(),
            ),
            (
                "/$defs/ConsentPanel/anyOf/1",
                crate::engine::consent_config::UI_FIELDS.to_vec(),
            ),
            ("/$defs/Bridges", bridges::BRIDGE_FIELDS.to_vec()),
            ("/$defs/Signals", aggregates),
            ("/$defs/Segment", segment::SEGMENT_FIELDS.to_vec()),
            (
                "/$defs/SavedGroup/anyOf/1",
                crate::engine::saved_groups::LIST_FIELDS.to_vec(),
            ),
            (
                "/$defs/SavedGroup/anyOf/2",
                crate::engine::saved_groups::CONDITION_FIELDS.to_vec(),
            ),
            ("/$defs/Rule", config::RULE_FIELDS.to_vec()),
            ("/$defs/Frequency", gates::FREQUENCY_FIELDS.to_vec()),
            ("/$defs/Schedule", gates::SCHEDULE_FIELDS.to_vec()),
            ("/$defs/Style", action::STYLE_PROPERTIES.to_vec()),
            (
                "/$defs/RecommenderWeights",
                recommend::RECOMMENDERS.to_vec(),
            ),
            ("/$defs/Experiment", experiment::EXPERIMENT_FIELDS.to_vec()),
            ("/$defs/Variant", experiment::VARIANT_FIELDS.to_vec()),
            (
                "/$defs/Experiment/properties/bandit",
                experiment::BANDIT_FIELDS.to_vec(),
            ),
            ("/$defs/Exposures", config::EXPOSURE_FIELDS.to_vec()),
            (
                "/$defs/Exposures/properties/dataLayer/anyOf/1",
                config::DATALAYER_FIELDS.to_vec(),
            ),
            ("/$defs/Goal", crate::engine::delivery::GOAL_FIELDS.to_vec()),
            (
                "/$defs/Goal/properties/dwell",
                crate::engine::delivery::DWELL_FIELDS.to_vec(),
            ),
            (
                "/$defs/Destination",
                crate::engine::delivery::DESTINATION_FIELDS.to_vec(),
            ),
            ("/$defs/ProfileSettings", tracking::PROFILE_FIELDS.to_vec()),
            (
                "/$defs/ProfileSettings/properties/affinity",
                tracking::AFFINITY_FIELDS.to_vec(),
            ),
            (
                "/$defs/ProfileSettings/properties/abandonment",
                tracking::ABANDONMENT_FIELDS.to_vec(),
            ),
            (
                "/$defs/ProfileSettings/properties/identity",
                tracking::IDENTITY_FIELDS.to_vec(),
            ),
            (
                "/$defs/ProfileSettings/properties/search",
                tracking::SEARCH_FIELDS.to_vec(),
            ),
            ("/$defs/Catalog", catalog::CATALOG_FIELDS.to_vec()),
            ("/$defs/Product", catalog::PRODUCT_FIELDS.to_vec()),
            ("/$defs/Model", model::MODEL_FIELDS.to_vec()),
            ("/$defs/ModelWeights", features),
            (
                "/properties/prompts",
                crate::engine::prompt::SETTINGS_FIELDS.to_vec(),
            ),
            (
                "/$defs/PopupAction/properties/recontact/anyOf/1",
                vec!["everyDays"],
            ),
            (
                "/$defs/SurveyAction/properties/recontact/anyOf/1",
                vec!["everyDays"],
            ),
            (
                "/$defs/SurveyAction/properties/questions/items",
                crate::engine::survey::QUESTION_FIELDS.to_vec(),
            ),
            (
                "/$defs/SurveyAction/properties/questions/items/properties/options/items",
                vec!["value", "label"],
            ),
            (
                "/$defs/SurveyAction/properties/questions/items/properties/next/items",
                vec!["answer", "goto"],
            ),
        ]
        .into_iter()
        .map(|(p, f)| (p.to_owned(), f))
        .collect();
        // Object triggers have one field each: the kind (`enums_are_the_parsers`).
        for (i, kind) in ["event", "dwell", "scroll", "idle"].into_iter().enumerate() {
            table.push((format!("/$defs/Trigger/oneOf/{}", i + 1), vec![kind]));
        }
        for op in OPS {
            table.push((
                format!("/$defs/{}", action_def(op)),
                action::fields_of(op).to_vec(),
            ));
        }
        table
    }

    /// Every schema node with its JSON pointer.
    fn nodes(schema: &Value) -> Vec<(String, &Value)> {
        fn walk<'a>(node: &'a Value, at: String, out: &mut Vec<(String, &'a Value)>) {
            let Some(map) = node.as_object() else {
                return; // `true`/`false` schemas
            };
            out.push((at.clone(), node));
            for (key, v) in map {
                assert!(
                    KEYWORDS.contains(&key.as_str()),
                    "{at}: unknown keyword {key}"
                );
                let here = format!("{at}/{key}");
                match key.as_str() {
                    "properties" | "$defs" => {
                        for (name, child) in v.as_object().expect("an object") {
                            walk(child, format!("{here}/{name}"), out);
                        }
                    }
                    "oneOf" | "anyOf" | "prefixItems" => {
                        for (i, child) in v.as_array().expect("an array").iter().enumerate() {
                            walk(child, format!("{here}/{i}"), out);
                        }
                    }
                    "items" | "additionalProperties" | "propertyNames" => walk(v, here, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(schema, String::new(), &mut out);
        out
    }

    fn sorted(mut list: Vec<&str>) -> Vec<&str> {
        list.sort_unstable();
        list
    }

    #[test]
    fn every_object_has_exactly_its_parsers_fields() {
        let schema = config_schema();
        let table = parser_fields();
        let mut seen = Vec::new();
        for (at, node) in nodes(&schema) {
            let is_object = node.get("type").and_then(Value::as_str) == Some("object");
            let Some(props) = node.get("properties").and_then(Value::as_object) else {
                if is_object {
                    assert!(
                        FREE_FORM.contains(&at.as_str()),
                        "{at}: an object without fields"
                    );
                    assert!(
                        node.get("additionalProperties").is_some(),
                        "{at}: a free-form map says what its values are"
                    );
                }
                continue;
            };
            assert!(is_object, "{at}: fields on a node that is not an object");
            assert_eq!(
                node.get("additionalProperties"),
                Some(&Value::Bool(false)),
                "{at}: unknown fields must fail as they do in the parser"
            );
            let Some((_, allowed)) = table.iter().find(|(p, _)| *p == at) else {
                panic!("{at}: no parser field list to hold this object to");
            };
            let keys: Vec<&str> = props.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(sorted(keys.clone()), sorted(allowed.clone()), "{at}");
            for r in node
                .get("required")
                .and_then(Value::as_array)
                .unwrap_or(&[])
            {
                let r = r.as_str().expect("a field name");
                assert!(keys.contains(&r), "{at}: required {r} is not a field");
            }
            seen.push(at);
        }
        for (at, _) in &table {
            assert!(
                seen.contains(at),
                "{at}: in the table but not in the schema"
            );
        }
    }

    #[test]
    fn enums_are_the_parsers() {
        let schema = config_schema();
        let at = |pointer: &str| -> Value {
            let mut v = &schema;
            for part in pointer.split('/').skip(1) {
                v = match v {
                    Value::Array(items) => &items[part.parse::<usize>().unwrap()],
                    _ => v
                        .get(part)
                        .unwrap_or_else(|| panic!("{pointer}: no {part}")),
                };
            }
            v.clone()
        };
        let strings = |v: Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_owned())
                .collect()
        };
        let owned = |l: &[&str]| l.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        // The action union: one branch per operation, in the parser's order.
        let branches: Vec<String> = at("/$defs/Action/oneOf")
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.get("$ref").unwrap().as_str().unwrap().to_owned())
            .collect();
        let expected: Vec<String> = OPS
            .iter()
            .map(|op| format!("#/$defs/{}", action_def(op)))
            .collect();
        assert_eq!(branches, expected);
        for op in OPS {
            let def = format!("/$defs/{}/properties/op/const", action_def(op));
            assert_eq!(at(&def), Value::from(*op));
        }
        for (pointer, parser) in [
            (
                "/$defs/InsertAction/properties/position/enum",
                action::POSITIONS,
            ),
            ("/$defs/MoveAction/properties/position/enum", POSITIONS),
            ("/$defs/ShowAction/properties/display/enum", DISPLAYS),
            ("/$defs/Frequency/properties/per/enum", FREQUENCY_WINDOWS),
            (
                "/$defs/ConsentPanel/anyOf/1/properties/language/enum",
                UI_LANGUAGES,
            ),
        ] {
            assert_eq!(strings(at(pointer)), owned(parser), "{pointer}");
        }
        // Triggers: the string kinds and the one-field objects make up the parser's list.
        let mut kinds = strings(at("/$defs/Trigger/oneOf/0/enum"));
        for i in 1..=4 {
            let props = at(&format!("/$defs/Trigger/oneOf/{i}/properties"));
            kinds.extend(props.as_object().unwrap().iter().map(|(k, _)| k.clone()));
        }
        assert_eq!(kinds, owned(gates::TRIGGER_KINDS));
    }

    #[test]
    fn refs_resolve_and_every_def_is_used() {
        let schema = config_schema();
        let text = schema.to_json();
        let defs = schema.get("$defs").and_then(Value::as_object).unwrap();
        for (at, node) in nodes(&schema) {
            if let Some(r) = node.get("$ref").and_then(Value::as_str) {
                let name = r.strip_prefix("#/$defs/").expect("a local ref");
                assert!(defs.iter().any(|(k, _)| k == name), "{at}: {r}");
            }
        }
        for (name, _) in defs {
            assert!(
                text.contains(&format!("\"#/$defs/{name}\"")),
                "$defs/{name} is never used"
            );
        }
        assert_eq!(schema.get("$id").and_then(Value::as_str), Some(SCHEMA_ID));
        let root = schema.get("properties").unwrap();
        assert_eq!(
            root.get("$schema").and_then(|s| s.get("type")),
            Some(&Value::from("string"))
        );
    }
}
