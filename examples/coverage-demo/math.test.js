// The tests the test-coverage example mission runs with `node --test --experimental-test-coverage`.
const test = require('node:test');
const assert = require('node:assert');
const { add, divide } = require('./math.js');

test('add', () => assert.strictEqual(add(1, 2), 3));
test('divide', () => assert.strictEqual(divide(6, 3), 2));
test('divide by zero', () => assert.throws(() => divide(1, 0), RangeError));
