//! Saved groups: named lists of ids (or named conditions) that conditions refer to
//! with `$inGroup` / `$notInGroup` (an attribute in a list) and `$savedGroup`
//! (`{"id": …, "attributeKey": …}` as a whole clause), as in GrowthBook.
//!
//! The config's `savedGroups` section takes GrowthBook's own shapes, so a group
//! exported from GrowthBook can be pasted: a bare array of values, `{"type": "list",
//! "attributeKey", "values"}` or `{"type": "condition", "condition"}`. Groups are
//! resolved when conditions are compiled: a rule holds the list itself, not a name
//! looked up per evaluation.

use super::diagnostic::{field, index, Diagnostics, Path};
use super::reader::{bounded_list, get, identifier, object, MAX_ID_LEN};
use super::value::Value;

/// The most groups a config may name.
pub const MAX_GROUPS: usize = 200;
/// The most values one list may hold.
pub const MAX_GROUP_VALUES: usize = 10_000;

pub(crate) const LIST_FIELDS: &[&str] = &["type", "attributeKey", "values"];
pub(crate) const CONDITION_FIELDS: &[&str] = &["type", "condition"];

#[derive(Debug, Clone, PartialEq)]
pub enum Group {
    /// Values an attribute is looked up in; `attribute` is the list's own key (what
    /// `$savedGroup` reads unless the reference names another).
    List {
        attribute: Option<String>,
        values: Vec<Value>,
    },
    /// A condition document, compiled where it is referenced.
    Condition(Value),
    /// Present but unusable: matches nobody, neither in nor out (GrowthBook's rule, so
    /// that `$notInGroup` never lets everyone through a broken group).
    Malformed,
}

/// Groups by id, in config order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SavedGroups {
    pub groups: Vec<(String, Group)>,
}

impl SavedGroups {
    pub fn get(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|(k, _)| k == id).map(|(_, g)| g)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.groups.iter().map(|(k, _)| k.as_str()).collect()
    }

    /// GrowthBook's `savedGroups` argument as it is, with its leniency: anything
    /// that is not a recognized shape is `Malformed`.
    pub fn from_growthbook(value: &Value) -> SavedGroups {
        let groups = value
            .as_object()
            .map(|map| map.iter().map(|(id, v)| (id.clone(), shape(v))).collect())
            .unwrap_or_default();
        SavedGroups { groups }
    }

    /// The config's `savedGroups` section, every problem reported.
    pub fn parse(value: Option<&Value>, diags: &mut Diagnostics) -> SavedGroups {
        let Some(value) = value else {
            return SavedGroups::default();
        };
        let Some(map) = value.as_object() else {
            diags.report(&Path::Text("savedGroups"), || {
                format!("expected an object of named groups, found {}", value.kind())
            });
            return SavedGroups::default();
        };
        if map.len() > MAX_GROUPS {
            diags.report(&Path::Text("savedGroups"), || {
                format!("has {} groups; the limit is {MAX_GROUPS}", map.len())
            });
            return SavedGroups::default();
        }
        let mut groups = Vec::new();
        for (id, v) in map {
            let path = field(&Path::Text("savedGroups"), id);
            if id.chars().count() > MAX_ID_LEN {
                diags.report(&path, || {
                    format!("group id is longer than {MAX_ID_LEN} characters")
                });
                continue;
            }
            if let Some(group) = checked(v, &path, diags) {
                groups.push((id.clone(), group));
            }
        }
        SavedGroups { groups }
    }
}

fn shape(value: &Value) -> Group {
    match value {
        Value::Array(values) => Group::List {
            attribute: None,
            values: values.clone(),
        },
        Value::Object(map) => match get(map, "type").and_then(Value::as_str) {
            Some("list") => match get(map, "values") {
                Some(Value::Array(values)) => Group::List {
                    attribute: get(map, "attributeKey")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    values: values.clone(),
                },
                _ => Group::Malformed,
            },
            Some("condition") => match get(map, "condition") {
                Some(c @ Value::Object(_)) => Group::Condition(c.clone()),
                _ => Group::Malformed,
            },
            _ => Group::Malformed,
        },
        _ => Group::Malformed,
    }
}

fn checked(value: &Value, path: &Path, diags: &mut Diagnostics) -> Option<Group> {
    let values = |v: Option<&Value>, path: &Path, diags: &mut Diagnostics| -> Option<Vec<Value>> {
        let before = diags.items.len();
        let list = bounded_list(v, path, MAX_GROUP_VALUES, "values", diags);
        for (i, item) in list.iter().enumerate() {
            if !matches!(item, Value::String(_) | Value::Number(_) | Value::Bool(_)) {
                diags.report(&index(path, i), || {
                    format!("expected a string or a number, found {}", item.kind())
                });
            }
        }
        (diags.items.len() == before).then(|| list.to_vec())
    };
    if let Value::Array(_) = value {
        return Some(Group::List {
            attribute: None,
            values: values(Some(value), path, diags)?,
        });
    }
    let Some(map) = value.as_object() else {
        diags.report(path, || {
            format!(
                "expected an array of values or a group object, found {}",
                value.kind()
            )
        });
        return None;
    };
    match get(map, "type").and_then(Value::as_str) {
        Some("list") => {
            object(value, path, LIST_FIELDS, diags)?;
            let attribute = get(map, "attributeKey")
                .and_then(|v| identifier(v, &field(path, "attributeKey"), diags));
            let Some(list) = get(map, "values") else {
                diags.report(path, || {
                    "missing field \"values\" (required by a list group)"
                });
                return None;
            };
            Some(Group::List {
                attribute,
                values: values(Some(list), &field(path, "values"), diags)?,
            })
        }
        Some("condition") => match object(value, path, CONDITION_FIELDS, diags)
            .and_then(|map| get(map, "condition"))
        {
            Some(c @ Value::Object(_)) => Some(Group::Condition(c.clone())),
            _ => {
                diags.report(&field(path, "condition"), || {
                    "expected a condition object (required by a condition group)"
                });
                None
            }
        },
        _ => {
            diags.report(&field(path, "type"), || {
                "expected \"list\" or \"condition\" (or give the group as an array of values)"
            });
            None
        }
    }
}
