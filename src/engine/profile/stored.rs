//! The profile's stored form: every aggregate written to and read from `Value`
//! by hand (one pass type-checks and bounds untrusted stored data; no serde
//! instantiation per type in the wasm). A field of the wrong type is an error
//! naming it, so the shell can discard the partition with a warning.

use super::*;

impl Profile {
    /// The stored form: only the aggregates present.
    pub fn to_value(&self) -> Value {
        let mut map = Vec::new();
        if let Some(v) = &self.visitor {
            let mut fields = vec![
                ("id".to_owned(), Value::from(v.id.as_str())),
                ("visits".to_owned(), Value::Number(f64::from(v.visits))),
                ("sessions".to_owned(), Value::Number(f64::from(v.sessions))),
                ("first_seen_ms".to_owned(), Value::Number(v.first_seen_ms)),
                ("last_seen_ms".to_owned(), Value::Number(v.last_seen_ms)),
            ];
            if let Some(t) = v.previous_session_ms {
                fields.push(("previous_session_ms".to_owned(), Value::Number(t)));
            }
            map.push(("visitor".to_owned(), Value::Object(fields)));
        }
        if !self.clicks.is_empty() {
            map.push(("clicks".to_owned(), codec::counters_value(&self.clicks)));
        }
        if let Some(items) = &self.cart {
            map.push(("cart".to_owned(), CartItem::list_value(items)));
        }
        if let Some(d) = &self.dwell {
            let mut fields = vec![("total_ms", Value::Number(d.total_ms.round()))];
            if !d.elements.is_empty() {
                let elements = d.elements.iter();
                let elements = elements.map(|(k, ms)| (k.clone(), Value::Number(ms.round())));
                fields.push(("elements", Value::Object(elements.collect())));
            }
            map.push(("dwell".to_owned(), object(fields)));
        }
        if !self.events.is_empty() {
            map.push(("events".to_owned(), codec::counters_value(&self.events)));
        }
        if !self.event_props.is_empty() {
            let entries = self.event_props.iter();
            let entries = entries.map(|(e, props)| (e.clone(), props_value(props)));
            map.push(("event_props".to_owned(), Value::Object(entries.collect())));
        }
        if !self.affinity.is_empty() {
            map.push(("affinity".to_owned(), self.affinity.to_value()));
        }
        if let Some(identity) = &self.identity {
            let fields = vec![
                ("id", Value::from(identity.id.as_str())),
                ("traits", props_value(&identity.traits)),
            ];
            map.push(("identity".to_owned(), object(fields)));
        }
        if let Some(search) = &self.search {
            map.push(("search".to_owned(), super::super::search::to_stored(search)));
        }
        if let Some(feedback) = &self.feedback {
            map.push(("feedback".to_owned(), feedback.to_stored()));
        }
        if !self.prompts.is_empty() {
            map.push(("prompts".to_owned(), self.prompts.to_value()));
        }
        if !self.exposures.is_empty() {
            let entries = self.exposures.iter().map(|(rule, window, count)| {
                let pair = vec![
                    Value::Number(*window as f64),
                    Value::Number(f64::from(*count)),
                ];
                (rule.clone(), Value::Array(pair))
            });
            map.push(("exposures".to_owned(), Value::Object(entries.collect())));
        }
        if !self.assignments.is_empty() {
            let pairs = self
                .assignments
                .iter()
                .map(|(e, v)| (e.clone(), Value::from(v.as_str())));
            map.push(("experiments".to_owned(), Value::Object(pairs.collect())));
        }
        Value::Object(map)
    }

    /// Reads the stored form; a field of the wrong type is an error naming it.
    /// The result still has to go through `bounded`.
    // Each aggregate is read into one `Profile` in place: an error exit then drops
    // that one value (a shared drop) instead of every partly built local, which
    // cost the page's wasm more than the reading itself.
    pub fn from_value(value: &Value) -> Result<Profile, String> {
        let map = codec::object(value, "profile")?;
        let mut p = Profile::default();
        if let Some(v) = codec::field(map, "visitor") {
            p.visitor = Some(read_visitor(v)?);
        }
        match codec::field(map, "cart") {
            None => {}
            Some(Value::Array(items)) => {
                let items = items.iter().filter_map(|i| CartItem::from_value(i).ok());
                p.cart = Some(items.collect());
            }
            Some(other) => {
                return Err(format!("\"cart\" must be an array, found {}", other.kind()))
            }
        }
        if let Some(d) = codec::field(map, "dwell") {
            p.dwell = Some(read_dwell(d)?);
        }
        if let Some(v) = codec::field(map, "event_props") {
            for (event, props) in codec::object(v, "event_props")? {
                let props = props_from_value(props, MAX_PROPS, MAX_PROP_VALUE_LEN)
                    .map_err(|why| format!("\"event_props.{event}\" {why}"))?;
                remember_props(&mut p.event_props, event, props);
            }
        }
        if let Some(v) = codec::field(map, "identity") {
            p.identity = read_identity(v)?;
        }
        if let Some(v) = codec::field(map, "search") {
            p.search = Some(super::super::search::from_stored(v)?);
        }
        if let Some(v) = codec::field(map, "feedback") {
            p.feedback = Some(Feedback::from_stored(v)?);
        }
        if let Some(v) = codec::field(map, "affinity") {
            p.affinity = Affinity::from_value(v)?;
        }
        p.clicks = codec::counters(map, "clicks")?;
        p.events = codec::counters(map, "events")?;
        if let Some(v) = codec::field(map, "prompts") {
            p.prompts = super::super::prompt::History::from_value(v)?;
        }
        if let Some(v) = codec::field(map, "exposures") {
            for (rule, pair) in codec::object(v, "exposures")? {
                match pair.as_array() {
                    Some([Value::Number(w), Value::Number(c)])
                        if *w >= 0.0
                            && w.fract() == 0.0
                            && *c >= 0.0
                            && c.fract() == 0.0
                            && *c <= f64::from(u32::MAX) =>
                    {
                        p.exposures.push((rule.clone(), *w as u64, *c as u32))
                    }
                    _ => return Err(format!("\"exposures.{rule}\" must be [window, count]")),
                }
            }
        }
        if let Some(v) = codec::field(map, "experiments") {
            for (e, variant) in codec::object(v, "experiments")? {
                match variant {
                    Value::String(s) => p.assignments.push((e.clone(), s.clone())),
                    other => {
                        return Err(format!(
                            "\"experiments.{e}\" must be a string, found {}",
                            other.kind()
                        ))
                    }
                }
            }
        }
        Ok(p)
    }
}

fn read_visitor(v: &Value) -> Result<Visitor, String> {
    let m = codec::object(v, "visitor")?;
    Ok(Visitor {
        id: codec::string(m, "id")?,
        visits: codec::count(m, "visits")?,
        sessions: codec::count(m, "sessions")?,
        first_seen_ms: codec::number(m, "first_seen_ms", 0.0)?,
        last_seen_ms: codec::number(m, "last_seen_ms", 0.0)?,
        previous_session_ms: match codec::field(m, "previous_session_ms") {
            Some(_) => Some(codec::number(m, "previous_session_ms", 0.0)?),
            None => None,
        },
    })
}

fn read_dwell(d: &Value) -> Result<Dwell, String> {
    let d = codec::object(d, "dwell")?;
    let mut dwell = Dwell {
        total_ms: codec::number(d, "total_ms", 0.0)?,
        elements: Vec::new(),
    };
    if let Some(e) = codec::field(d, "elements") {
        let e = codec::object(e, "dwell.elements")?;
        for (k, _) in e {
            dwell.add_element(k, codec::number(e, k, 0.0)?);
        }
    }
    Ok(dwell)
}

fn read_identity(v: &Value) -> Result<Option<Identity>, String> {
    let m = codec::object(v, "identity")?;
    let traits = match codec::field(m, "traits") {
        Some(t) => props_from_value(t, MAX_TRAITS, MAX_TRAIT_VALUE_LEN)
            .map_err(|why| format!("\"identity.traits\" {why}"))?,
        None => Props::new(),
    };
    let id = truncate(&codec::string(m, "id")?, MAX_CUSTOMER_ID_LEN);
    Ok((!id.is_empty()).then_some(Identity { id, traits }))
}
