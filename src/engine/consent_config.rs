//! The config's `consent` section: the categories (with labels and descriptions
//! per language), the consent version, the CMP bridges and the built-in panel.
//! Parsed here, beside nothing else, so `consent` reads its config without
//! depending on the whole `config`.

use super::diagnostic::{field, index, Diagnostics, Path};
use super::reader::{
    bounded_list, get, object, required_id, translated, MAX_CATEGORIES, NECESSARY,
};
use super::value::Value;

pub const DEFAULT_CATEGORIES: &[&str] = &[
    NECESSARY,
    "preferences",
    "analytics",
    "personalization",
    "marketing",
];

#[derive(Debug, Clone, PartialEq)]
pub struct ConsentConfig {
    pub categories: Vec<Category>,
    /// Raising it voids the consent visitors gave to earlier versions.
    pub version: u32,
    /// Consent Mode, TCF and GPC mappings.
    pub bridges: super::bridges::Bridges,
    /// vitrine's built-in banner and preferences panel, in this language
    /// (`pt-BR`, `en`, or `auto`: the page's); `None` when the site has its own.
    pub ui: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub id: String,
    pub required: bool,
    /// Label and description per language (`pt-BR`, `en`), for consent panels.
    pub label: Vec<(String, String)>,
    pub description: Vec<(String, String)>,
}

pub(crate) const CONSENT_FIELDS: &[&str] = &["categories", "version", "bridges", "ui"];
pub(crate) const CATEGORY_FIELDS: &[&str] = &["id", "required", "label", "description"];
/// `consent.ui` in its object form.
pub(crate) const UI_FIELDS: &[&str] = &["language"];
pub(crate) const UI_LANGUAGES: &[&str] = &["auto", "pt-BR", "en"];

pub(super) fn parse_consent(value: Option<&Value>, diags: &mut Diagnostics) -> ConsentConfig {
    let mut config = ConsentConfig {
        categories: DEFAULT_CATEGORIES
            .iter()
            .map(|id| Category {
                id: (*id).to_owned(),
                required: *id == NECESSARY,
                label: Vec::new(),
                description: Vec::new(),
            })
            .collect(),
        version: 1,
        bridges: super::bridges::Bridges::defaults(DEFAULT_CATEGORIES),
        ui: None,
    };
    let Some(value) = value else { return config };
    let Some(map) = object(value, &Path::Text("consent"), CONSENT_FIELDS, diags) else {
        return config;
    };
    if let Some(v) = get(map, "version") {
        match v.as_f64() {
            Some(n) if n >= 1.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX) => {
                config.version = n as u32
            }
            _ => diags.report(&Path::Text("consent.version"), || {
                format!(
                    "expected a whole number of at least 1, found {}",
                    v.to_json()
                )
            }),
        }
    }
    if let Some(v) = get(map, "categories") {
        let items = bounded_list(
            Some(v),
            &Path::Text("consent.categories"),
            MAX_CATEGORIES,
            "categories",
            diags,
        );
        if items.is_empty() && !matches!(v, Value::Array(a) if a.is_empty()) {
            return config;
        }
        let mut categories: Vec<Category> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = index(&Path::Text("consent.categories"), i);
            let Some(map) = object(item, &path, CATEGORY_FIELDS, diags) else {
                continue;
            };
            let Some(id) = required_id(map, &path, diags) else {
                continue;
            };
            if categories.iter().any(|c| c.id == id) {
                diags.report(&field(&path, "id"), || {
                    format!("duplicate category id \"{id}\"")
                });
            }
            let required = match get(map, "required") {
                None => id == NECESSARY,
                Some(Value::Bool(b)) => *b,
                Some(other) => {
                    diags.report(&field(&path, "required"), || {
                        format!("expected a boolean, found {}", other.kind())
                    });
                    false
                }
            };
            if id == NECESSARY && !required {
                diags.report(&field(&path, "required"), || {
                    "the \"necessary\" category is always required"
                });
            }
            categories.push(Category {
                label: translated(get(map, "label"), &field(&path, "label"), diags),
                description: translated(
                    get(map, "description"),
                    &field(&path, "description"),
                    diags,
                ),
                id,
                required,
            });
        }
        if !categories.iter().any(|c| c.id == NECESSARY) {
            diags.report(&Path::Text("consent.categories"), || {
                "must include the \"necessary\" category"
            });
        }
        config.categories = categories;
    }
    let known: Vec<&str> = config.categories.iter().map(|c| c.id.as_str()).collect();
    config.bridges = super::bridges::parse(get(map, "bridges"), &known, diags);
    config.ui = match get(map, "ui") {
        None | Some(Value::Bool(false)) => None,
        Some(Value::Bool(true)) => Some("auto".into()),
        Some(v) => object(v, &Path::Text("consent.ui"), UI_FIELDS, diags).and_then(|m| {
            match get(m, "language") {
                None => Some("auto".into()),
                Some(Value::String(l)) if UI_LANGUAGES.contains(&l.as_str()) => Some(l.clone()),
                Some(other) => {
                    diags.report(&Path::Text("consent.ui.language"), || {
                        format!(
                            "must be \"pt-BR\", \"en\" or \"auto\", found {}",
                            other.to_json()
                        )
                    });
                    None
                }
            }
        }),
    };
    config
}
