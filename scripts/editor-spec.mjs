// The editor's forms, read from the config's JSON Schema (js/schema.json, itself
// generated from the Rust definitions) at build time: every operation with its
// fields (kind, choices, default, whether required, the schema's description), the
// style allowlist, the recommenders, the trigger kinds and frequency windows. The
// editor gets this small extract (scripts/build.mjs defines it as
// VITRINE_EDITOR_SPEC) instead of a hand copy that would drift from the engine, or
// the whole 72 KB schema.

const FORM_LESS = new Set(['op', 'selector', 'match']);
// Fields whose value is a template or markup: written in a text area.
const LONG = new Set(['text', 'html', 'template']);

function kindOf(name, property, defs) {
  const ref = property.$ref?.replace('#/$defs/', '');
  if (ref === 'Style') return 'style';
  if (ref === 'RecommenderWeights') return 'weights';
  if (ref === 'Translated') return 'text';
  if (name === 'recontact') return 'recontact';
  if (name === 'questions') return 'questions';
  if (property.enum) return 'choice';
  if (property.type === 'boolean') return 'flag';
  if (property.type === 'number' || property.type === 'integer') return 'number';
  if (property.type === 'string') return LONG.has(name) ? 'long' : 'text';
  if (ref && defs[ref]) return kindOf(name, defs[ref], defs);
  throw new Error(`editor spec: no form for the field "${name}" (${JSON.stringify(property).slice(0, 80)})`);
}

/** The editor's extract of the schema. */
export function editorSpec(schema) {
  const defs = schema.$defs;
  const ops = {};
  for (const { $ref } of defs.Action.oneOf) {
    const def = defs[$ref.replace('#/$defs/', '')];
    const op = def.properties.op.const;
    const required = new Set(def.required ?? []);
    ops[op] = {
      selector: 'selector' in def.properties ? (required.has('selector') ? 'required' : 'optional') : 'none',
      fields: Object.entries(def.properties)
        .filter(([name]) => !FORM_LESS.has(name))
        .map(([name, p]) => ({
          name,
          kind: kindOf(name, p, defs),
          ...(p.enum ? { choices: p.enum } : {}),
          ...(p.default !== undefined ? { default: p.default } : {}),
          ...(required.has(name) ? { required: true } : {}),
          ...(p.description ? { description: p.description } : {}),
        })),
    };
  }
  const question = defs.SurveyAction.properties.questions.items.properties;
  return {
    ops,
    style: Object.keys(defs.Style.properties),
    recommenders: Object.keys(defs.RecommenderWeights.properties),
    questionTypes: question.type.enum,
    triggers: defs.Trigger.oneOf.flatMap((t) => t.enum ?? Object.keys(t.properties)),
    per: defs.Frequency.properties.per.enum,
  };
}
