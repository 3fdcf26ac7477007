// A tiny module for the test-coverage example mission (examples/test-coverage.mission.yaml).
const add = (a, b) => a + b;

const divide = (a, b) => {
  if (b === 0) throw new RangeError('division by zero');
  return a / b;
};

module.exports = { add, divide };
