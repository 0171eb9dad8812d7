// vitrine: the ESM entry of the npm package.
//
// The runtime (js/runtime.js: start, the error classes, validateConfig, GrowthBook's
// hashing helpers) and `evalCondition`, which is JavaScript (js/condition.js). The
// script-tag loader imports runtime.js directly: the loader carries its own copy of
// condition.js for the first swap, so a page never downloads it twice.
import { compiled } from './condition.js';
import { VitrineError } from './runtime.js';

export * from './runtime.js';

function vitrineError(message) {
  return new VitrineError(`vitrine: ${message}`);
}

/**
 * GrowthBook's `evalCondition(attributes, condition, savedGroups?)` with the same
 * semantics, malformed conditions included (they evaluate as GrowthBook evaluates
 * them; `validateConfig` reports them). Needs no `init()`: it runs in JavaScript
 * (js/condition.js), compiled once per condition.
 */
export function evalCondition(attributes, condition, savedGroups) {
  if (condition === null || condition === undefined) throw vitrineError('evalCondition(attributes, condition): condition must be an object');
  const test = compiled(condition, vitrineError);
  try {
    return test(attributes, savedGroups || {}, undefined);
  } catch {
    // A value GrowthBook would throw on (a Symbol, a BigInt in a literal): false.
    return false;
  }
}
