// GrowthBook reports malformed conditions with console.error; the tests that run it
// on purpose call it through this, to keep their output readable.
export function quietly(fn) {
  const error = console.error;
  console.error = () => {};
  try {
    return fn();
  } finally {
    console.error = error;
  }
}
