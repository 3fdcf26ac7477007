// ISO 8601 timestamps for reports, cheaply: every step result carries several, so the hour prefix
// is formatted once per hour and the rest from lookup tables. Pure: formats the time it is given.

const two = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const millisZ = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(3, '0')}Z`);
const HOUR = 3_600_000;

let lastMs = NaN;
let lastIso = '';
let hourStart = NaN;
let hourPrefix = '';
let secondStart = NaN;
let secondPrefix = '';

/** `new Date(ms).toISOString()`, for any epoch milliseconds (fractions are truncated). */
export const iso = (ms: number): string => {
  const whole = Math.floor(ms);
  if (whole === lastMs) return lastIso;
  const milli = ((whole % 1000) + 1000) % 1000;
  const second = whole - milli;
  if (second !== secondStart) {
    const hour = whole - (((whole % HOUR) + HOUR) % HOUR);
    if (hour !== hourStart) {
      const date = new Date(hour);
      if (Number.isNaN(date.getTime())) return new Date(whole).toISOString();
      hourStart = hour;
      hourPrefix = date.toISOString().slice(0, -10);
    }
    const rest = second - hour;
    secondStart = second;
    secondPrefix = `${hourPrefix}${two[Math.floor(rest / 60_000)]}:${two[Math.floor(rest / 1000) % 60]}.`;
  }
  // One concatenation per new millisecond: the prefix is shared by every timestamp in its second.
  lastMs = whole;
  lastIso = secondPrefix + millisZ[milli];
  return lastIso;
};
