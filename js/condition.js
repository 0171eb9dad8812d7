// evalCondition(attributes, condition, savedGroups?): GrowthBook's helper with its
// answers, compiled once per condition into JavaScript closures.
//
// Why JavaScript and not the wasm: GrowthBook's own evaluator is JavaScript, so
// its semantics (coercions, UTF-16 strings, RegExp, `undefined` beside `null`)
// are the language's own here, and no crossing is paid per call. The wasm still
// evaluates the config's rules with its own engine (src/engine/condition.rs); the
// shared cases (tests/cases/*.json) hold both to GrowthBook: natively, in
// Chromium and in Node, against GrowthBook in the same process.
//
// Why compiled: GrowthBook walks the condition object on every call (its entries,
// a switch per operator, the path split per step). Here a condition is turned into
// closures once (paths split, regexes built, operator chosen) and kept by the
// condition object's identity; the object is confirmed unchanged by comparing it
// with the JSON copy it was compiled from (cheaper than writing it out again), so a
// condition changed in place is compiled afresh. A fresh object with a known text
// finds its closures by that text.
//
// Where GrowthBook throws (a value that cannot be converted, a `null`
// sub-condition) vitrine never does: the whole condition is false; a getter that
// throws reads as null. A condition holding values JSON cannot write (NaN,
// Infinity, `undefined`) is read as GrowthBook reads it, compiled afresh each time;
// one that cannot be written at all (a BigInt, a cycle) is refused (VitrineError).

const CACHE_LIMIT = 4096;
let byObject = new WeakMap();
const byText = new Map();

/**
 * Returns the compiled test of `condition` (a function of attributes, saved groups
 * and the group ids being resolved); `refuse(message)` builds the error thrown for
 * a condition that is not JSON data.
 */
export function compiled(condition, refuse) {
  const isObject = typeof condition === 'object' && condition !== null;
  if (isObject) {
    const entry = byObject.get(condition);
    if (entry !== undefined && unchanged(condition, entry.source)) return entry.test;
  }
  let text;
  try {
    text = JSON.stringify(condition);
  } catch (error) {
    throw refuse(`condition is not JSON data (${error?.message ?? error})`);
  }
  let entry = byText.get(text);
  if (entry === undefined) {
    if (byText.size >= CACHE_LIMIT) {
      byText.clear();
      byObject = new WeakMap();
    }
    const source = text === undefined ? null : JSON.parse(text);
    if (isObject && !unchanged(condition, source)) {
      // Values JSON cannot write (NaN, ±Infinity, `undefined`, a Date): compiled
      // from the object itself, as GrowthBook reads it, and not kept by its text.
      return live(condition);
    }
    entry = { source, test: doc(source) };
    byText.set(text, entry);
  }
  if (isObject) byObject.set(condition, entry);
  return entry.test;
}

// A condition holding values JSON cannot carry, compiled each time it is seen; a
// part GrowthBook would throw on while reading it makes the whole test false.
function live(condition) {
  try {
    return doc(condition);
  } catch {
    return never;
  }
}

// Whether `value` still equals the JSON data it was compiled from.
function unchanged(value, source) {
  if (value === source) return true;
  if (typeof value !== 'object' || value === null || typeof source !== 'object' || source === null) return false;
  if (Array.isArray(value)) {
    if (!Array.isArray(source) || value.length !== source.length) return false;
    for (let i = 0; i < value.length; i++) if (!unchanged(value[i], source[i])) return false;
    return true;
  }
  if (Array.isArray(source)) return false;
  let keys = 0;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(source, key) || !unchanged(value[key], source[key])) return false;
    keys++;
  }
  for (const key in source) keys--;
  return keys === 0;
}

const always = () => true;
const never = () => false;

function all(tests) {
  if (tests.length === 0) return always;
  if (tests.length === 1) return tests[0];
  return (a, groups, seen) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i](a, groups, seen)) return false;
    return true;
  };
}

// A condition document: GrowthBook walks `Object.entries(condition)` (an array's
// entries are its indexes, a string's its UTF-16 units, a number has none).
function doc(condition) {
  // GrowthBook throws on a null (or missing) sub-condition: the whole test is false.
  if (condition === null || condition === undefined) return unreadable;
  const clauses = Object.entries(condition).map(([key, arg]) => clause(key, arg));
  return all(clauses);
}

// `$or` / `$and` / `$nor` take a list; GrowthBook reads `length` and indexes of
// whatever it is given (a string's units, an object's `"0"`, `"1"`...), and throws
// at an index that holds nothing: the list ends there with a test that throws.
function list(arg) {
  if (arg === null) return null;
  const tests = [];
  for (let i = 0; i < arg.length; i++) {
    if (arg[i] === undefined) {
      tests.push(unreadable);
      break;
    }
    tests.push(doc(arg[i]));
  }
  return tests;
}

const unreadable = () => {
  throw new TypeError('not a condition');
};

function clause(key, arg) {
  switch (key) {
    case '$or': {
      const tests = list(arg);
      if (tests === null) return never;
      if (!arg.length) return always;
      return (a, groups, seen) => {
        for (let i = 0; i < tests.length; i++) if (tests[i](a, groups, seen)) return true;
        return false;
      };
    }
    case '$nor': {
      const tests = list(arg);
      if (tests === null || !arg.length) return never;
      return (a, groups, seen) => {
        for (let i = 0; i < tests.length; i++) if (tests[i](a, groups, seen)) return false;
        return true;
      };
    }
    case '$and': {
      const tests = list(arg);
      return tests === null ? never : all(tests);
    }
    case '$not': {
      const test = doc(arg);
      return (a, groups, seen) => !test(a, groups, seen);
    }
    case '$savedGroup':
      return (a, groups, seen) => savedGroup(a, arg, groups, seen);
    default: {
      // Any other key, `$`-prefixed or not, is an attribute path.
      const steps = key.split('.');
      const test = value(arg, false);
      return (a, groups, seen) => test(read(a, steps), groups, seen);
    }
  }
}

// GrowthBook's getPath; a getter that throws reads as null.
function read(object, steps) {
  let current = object;
  try {
    for (let i = 0; i < steps.length; i++) {
      if (current && typeof current === 'object' && steps[i] in current) current = current[steps[i]];
      else return null;
    }
  } catch {
    return null;
  }
  return current;
}

function isOperatorObject(object) {
  const keys = Object.keys(object);
  return keys.length > 0 && keys.every((k) => k[0] === '$');
}

// The test of one attribute value (GrowthBook's evalConditionValue).
function value(condition, insensitive) {
  if (typeof condition === 'string') {
    if (insensitive) {
      const lower = condition.toLowerCase();
      return (v) => String(v).toLowerCase() === lower;
    }
    return (v) => v + '' === condition;
  }
  if (typeof condition === 'number') return (v) => v * 1 === condition;
  if (typeof condition === 'boolean') return (v) => v !== null && !!v === condition;
  if (condition === null) return (v) => v === null;
  if (Array.isArray(condition) || !isOperatorObject(condition)) {
    const text = JSON.stringify(condition);
    return (v) => JSON.stringify(v) === text;
  }
  return all(Object.keys(condition).map((op) => operator(op, condition[op])));
}

function typeOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean' || t === 'object' || t === 'undefined' ? t : 'unknown';
}

// GrowthBook's paddedVersionString: "v1.2.3-rc.1+build" → comparable text.
function version(input) {
  if (typeof input === 'number') input = input + '';
  if (!input || typeof input !== 'string') input = '0';
  const parts = input.replace(/(^v|\+.*$)/g, '').split(/[-.]/);
  if (parts.length === 3) parts.push('~');
  return parts.map((p) => (/^[0-9]+$/.test(p) ? p.padStart(5, ' ') : p)).join('-');
}

const fold = (v) => (typeof v === 'string' ? v.toLowerCase() : v);

// `actual` in `expected` (an intersection when `actual` is an array).
function membership(expected, insensitive) {
  if (insensitive) {
    // `===`, as GrowthBook compares folded values (NaN matches nothing).
    const folded = expected.map(fold);
    const has = (v) => folded.indexOf(fold(v)) !== -1;
    return (actual) => (Array.isArray(actual) ? actual.some(has) : has(actual));
  }
  // SameValueZero, as `includes`; a Set answers the same for long lists.
  const set = expected.length > 8 ? new Set(expected) : null;
  const has = set ? (v) => set.has(v) : (v) => expected.includes(v);
  return (actual) => (Array.isArray(actual) ? actual.some(has) : has(actual));
}

// A saved group's list: the v1 bare array or a v2 `{type: "list"}`; `null` when
// the entry is something else (then nobody matches, in or out).
function groupValues(entry) {
  if (entry === undefined) return [];
  if (Array.isArray(entry)) return entry;
  if (entry && typeof entry === 'object' && entry.type === 'list') return Array.isArray(entry.values) ? entry.values : null;
  return null;
}

function isIn(actual, values) {
  return Array.isArray(actual) ? actual.some((el) => values.includes(el)) : values.includes(actual);
}

function savedGroup(a, reference, groups, seen) {
  if (!reference || typeof reference !== 'object' || Array.isArray(reference)) return false;
  const { id, attributeKey } = reference;
  if (typeof id !== 'string' || (seen !== undefined && seen.has(id))) return false;
  if (attributeKey !== undefined && typeof attributeKey !== 'string') return false;
  const entry = groups[id];
  if (!entry || Array.isArray(entry) || typeof entry !== 'object') return false;
  if (entry.type === 'list') {
    const key = attributeKey ?? entry.attributeKey;
    if (typeof key !== 'string' || !Array.isArray(entry.values)) return false;
    return isIn(read(a, key.split('.')), entry.values);
  }
  if (entry.type === 'condition') {
    if (!entry.condition || typeof entry.condition !== 'object') return false;
    const test = compiled(entry.condition, () => new Error('saved group condition is not JSON data'));
    return test(a, groups, new Set(seen).add(id));
  }
  return false;
}

// One operator of an operator object (GrowthBook's evalOperatorCondition).
function operator(op, expected) {
  switch (op) {
    case '$veq': case '$vne': case '$vgt': case '$vgte': case '$vlt': case '$vlte': {
      const e = version(expected);
      switch (op) {
        case '$veq': return (v) => version(v) === e;
        case '$vne': return (v) => version(v) !== e;
        case '$vgt': return (v) => version(v) > e;
        case '$vgte': return (v) => version(v) >= e;
        case '$vlt': return (v) => version(v) < e;
        default: return (v) => version(v) <= e;
      }
    }
    case '$eq': return (v) => v === expected;
    case '$ne': return (v) => v !== expected;
    case '$lt': return (v) => v < expected;
    case '$lte': return (v) => v <= expected;
    case '$gt': return (v) => v > expected;
    case '$gte': return (v) => v >= expected;
    case '$exists': return expected ? (v) => v != null : (v) => v == null;
    case '$in': case '$ini': case '$nin': case '$nini': {
      if (!Array.isArray(expected)) return never;
      const test = membership(expected, op === '$ini' || op === '$nini');
      return op === '$in' || op === '$ini' ? test : (v) => !test(v);
    }
    case '$inGroup': case '$notInGroup': {
      const inside = op === '$inGroup';
      return (v, groups) => {
        const values = groupValues(groups[expected]);
        return values === null ? false : isIn(v, values) === inside;
      };
    }
    case '$not': {
      const test = value(expected, false);
      return (v, groups, seen) => !test(v, groups, seen);
    }
    case '$size': {
      const test = value(expected, false);
      return (v, groups, seen) => Array.isArray(v) && test(v.length, groups, seen);
    }
    case '$elemMatch': {
      if (expected === null) return never;
      const test = isOperatorObject(expected) ? value(expected, false) : doc(expected);
      return (v, groups, seen) => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) {
          // Only nullish elements are skipped; 0, "" and false are tested.
          if ((v[i] ?? null) !== null && test(v[i], groups, seen)) return true;
        }
        return false;
      };
    }
    case '$all': case '$alli': {
      if (!Array.isArray(expected)) return never;
      const tests = expected.map((e) => value(e, op === '$alli'));
      return (v, groups, seen) => Array.isArray(v) && tests.every((test) => v.some((el) => test(el, groups, seen)));
    }
    case '$regex': case '$regexi': {
      if (typeof expected !== 'string') return never;
      let regex;
      try {
        regex = new RegExp(expected.replace(/([^\\])\//g, '$1\\/'), op === '$regexi' ? 'i' : undefined);
      } catch {
        return never;
      }
      // A value with no string form (a Symbol): this operator is false, as there.
      return (v) => {
        try {
          return regex.test(v);
        } catch {
          return false;
        }
      };
    }
    case '$type': return (v) => typeOf(v) === expected;
    default: return never;
  }
}
