// Plain (CI) output of a long step: heartbeats at the progress interval, each with what the step
// last said about itself — not a "still running after 16 ms" line the moment an HTTP step starts.
import { plainRenderer } from '../../src/cli/render.js';
import { makeStyle } from '../../src/cli/style.js';
import type { HttpClient } from '../../src/ports/http.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';
import { VirtualClock } from '../../src/testing/virtual-clock.js';

const MISSION = `version: "1.0"
name: Slow API
steps:
  - id: api
    name: Call the slow API
    step_type: http
    parameters: { url: "http://127.0.0.1:9/slow" }
config: { progress_interval_seconds: 10 }
`;

describe('plain output of a long HTTP step', () => {
  it('prints its first heartbeat at the progress interval, naming the request', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const http: HttpClient = {
      request: (req) =>
        new Promise((resolve) =>
          clock.setTimer(25_000, () =>
            resolve({
              _tag: 'response',
              status: 200,
              headers: {},
              body: new Uint8Array(),
              truncated: false,
              url: req.url,
            }),
          ),
        ),
    };
    const lines: string[] = [];
    const render = plainRenderer(
      (line) => lines.push(line),
      makeStyle(false),
      false,
      (at) => `+${String((at - start) / 1000).padStart(2, '0')}s`,
    );
    await runTestMission(MISSION, { clock, http, onEvent: render });
    expect(lines).toEqual([
      '+00s ▶ Slow API (1 step)',
      '+00s ▸ api started, timeout 5 min',
      '+10s … api still running after 10 s, 0 B of output — GET http://127.0.0.1:9/slow',
      '+20s … api still running after 20 s, 0 B of output — GET http://127.0.0.1:9/slow',
      '+25s ✔ api succeeded in 25 s',
    ]);
  });
});
