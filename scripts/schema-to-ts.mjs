// Converts the config's JSON Schema (js/schema.json, generated from
// src/engine/schema.rs) into TypeScript declarations: `export interface
// VitrineConfig` for the root and one declaration per `$defs` entry (an interface
// for an object with fields, a type alias for anything else). No dependencies.
//
// The subset it reads: type, properties, required, additionalProperties, enum,
// const, oneOf, anyOf, items, prefixItems (with minItems for optional elements),
// $ref to #/$defs/..., $defs, description and default (as JSDoc). Validation-only
// keywords (pattern, minimum, maxLength, ...) have no TypeScript counterpart and
// are left to the schema and to validateConfig.
//
//   node scripts/schema-to-ts.mjs js/schema.json > js/config.d.ts
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const literal = (value) =>
  typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(value);

const key = (name) => (IDENTIFIER.test(name) ? name : literal(name));

function refName(ref) {
  const match = /^#\/\$defs\/([A-Za-z_$][A-Za-z0-9_$]*)$/.exec(ref);
  if (!match) throw new Error(`unsupported $ref ${ref} (only #/$defs/Name)`);
  return match[1];
}

function jsdoc(node, pad) {
  const lines = [];
  if (node.description) lines.push(...node.description.split('\n'));
  if (node.default !== undefined) lines.push(`@default ${JSON.stringify(node.default)}`);
  if (!lines.length) return '';
  const safe = lines.map((l) => l.replace(/\*\//g, '*\\/'));
  if (safe.length === 1) return `${pad}/** ${safe[0]} */\n`;
  return `${pad}/**\n${safe.map((l) => `${pad} * ${l}`.trimEnd()).join('\n')}\n${pad} */\n`;
}

/** Whether the rendered type is a union (needs parentheses before `[]`). */
function isUnion(node) {
  if (node === true || node === false || node == null) return false;
  if (node.oneOf || node.anyOf) return (node.oneOf ?? node.anyOf).length > 1;
  if (node.enum) return node.enum.length > 1;
  return Array.isArray(node.type) && node.type.length > 1;
}

export function schemaToTs(schema, { rootName = 'VitrineConfig', header = '' } = {}) {
  const defs = schema.$defs ?? {};

  // The description a bare `$ref` property borrows from its definition.
  const describe = (node) => {
    if (node && typeof node === 'object' && node.$ref && node.description === undefined) {
      const target = defs[refName(node.$ref)];
      return { ...node, description: target?.description, default: node.default ?? target?.default };
    }
    return node;
  };

  function objectBody(node, pad) {
    const inner = `${pad}  `;
    const required = new Set(node.required ?? []);
    let body = '';
    for (const [name, prop] of Object.entries(node.properties ?? {})) {
      body += jsdoc(describe(prop), inner);
      body += `${inner}${key(name)}${required.has(name) ? '' : '?'}: ${type(prop, inner)};\n`;
    }
    const extra = node.additionalProperties;
    const open = extra !== false && (extra !== undefined || !node.properties);
    const index = `[key: string]: ${extra === undefined || extra === true ? 'unknown' : type(extra, inner)}`;
    // A map and nothing else fits on one line.
    if (open && !body && !index.includes('\n')) return `{ ${index} }`;
    if (open) body += `${inner}${index};\n`;
    return body ? `{\n${body}${pad}}` : '{}';
  }

  function type(node, pad) {
    if (node === true || node === undefined) return 'unknown';
    if (node === false) return 'never';
    if (node.$ref) return refName(node.$ref);
    if (node.const !== undefined) return literal(node.const);
    if (node.enum) return node.enum.map(literal).join(' | ');
    const union = node.oneOf ?? node.anyOf;
    if (union) return union.map((n) => type(n, pad)).join(' | ');
    const kinds = Array.isArray(node.type) ? node.type : [node.type];
    return kinds
      .map((kind) => {
        switch (kind) {
          case 'string':
            return 'string';
          case 'number':
          case 'integer':
            return 'number';
          case 'boolean':
            return 'boolean';
          case 'null':
            return 'null';
          case 'object':
            return objectBody(node, pad);
          case 'array': {
            if (node.prefixItems) {
              const min = node.minItems ?? 0;
              const items = node.prefixItems.map((n, i) => `${type(n, pad)}${i < min ? '' : '?'}`);
              const rest = node.items === undefined || node.items === false ? [] : [`...${type(node.items, pad)}[]`];
              return `[${[...items, ...rest].join(', ')}]`;
            }
            const item = type(node.items, pad);
            return isUnion(node.items) ? `(${item})[]` : `${item}[]`;
          }
          case undefined:
            return 'unknown';
          default:
            throw new Error(`unsupported type ${kind}`);
        }
      })
      .join(' | ');
  }

  const declaration = (name, node) => {
    const doc = jsdoc(node, '');
    if (node.type === 'object' && node.properties) return `${doc}export interface ${name} ${objectBody(node, '')}\n`;
    const members = node.oneOf ?? node.anyOf ?? [];
    const oneLine = type(node, '');
    // A long union, or one with object members: one member a line.
    if (members.length > 1 && (oneLine.length > 80 || oneLine.includes('\n'))) {
      return `${doc}export type ${name} =\n${members.map((m) => `  | ${type(m, '  ')}`).join('\n')};\n`;
    }
    return `${doc}export type ${name} = ${oneLine};\n`;
  };

  const parts = [header, declaration(rootName, schema)];
  for (const [name, node] of Object.entries(defs)) parts.push(declaration(name, node));
  return parts.filter(Boolean).join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  const text = readFileSync(file ?? 0, 'utf8');
  process.stdout.write(schemaToTs(JSON.parse(text)));
}
