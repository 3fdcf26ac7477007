// Cookbook: a mission run from an HTTP route handler, cancelled when the client disconnects
// (docs/cookbook.md#a-mission-behind-an-http-endpoint). Plain node:http, so it runs anywhere;
// in Express or Fastify the handler's body is the same. CI runs it (test/docs/examples.test.ts).
//
//   POST /missions/<name>   runs <missionsDir>/<name>.mission.yaml and answers with its report
import * as http from 'node:http';
import * as path from 'node:path';
import { MissionValidationError, runMission, type MissionEvent, type MissionReport } from 'missionkit';

/** Options of the mission server. */
export interface MissionServerOptions {
  /** Where the missions are; only `<name>.mission.yaml` files in it can be run. */
  readonly missionsDir: string;
  /** Sees every event of every run (logging, metrics, a progress stream). */
  readonly onEvent?: (name: string, event: MissionEvent) => void;
  /** Sees every report, also of runs whose client went away. */
  readonly onReport?: (name: string, report: MissionReport) => void;
}

const NAME = /^\/missions\/([a-z0-9][a-z0-9_-]*)$/i;

const send = (res: http.ServerResponse, status: number, body: unknown): void => {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
};

/** An HTTP server that runs missions on request. */
export const createMissionServer = (options: MissionServerOptions): http.Server =>
  http.createServer((req, res) => {
    const name = NAME.exec(req.url ?? '')?.[1];
    if (req.method !== 'POST' || name === undefined)
      return send(res, 404, { error: 'POST /missions/<name>' });

    // The response closes before it was sent only when the client went away: stop the run then,
    // so no process tree keeps working for a client that is no longer there.
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client disconnected'));
    });

    runMission(path.join(options.missionsDir, `${name}.mission.yaml`), {
      signal: controller.signal,
      onEvent: (event) => options.onEvent?.(name, event),
    }).then(
      (report) => {
        options.onReport?.(name, report);
        const ok = report.status === 'succeeded' || report.status === 'succeeded_with_warnings';
        send(res, ok ? 200 : 500, report);
      },
      (error: unknown) => {
        if (error instanceof MissionValidationError) {
          const missing = error.errors.some((e) => e.code === 'io_error');
          send(res, missing ? 404 : 422, { error: error.message, errors: error.errors });
        } else {
          send(res, 500, { error: String(error) });
        }
      },
    );
  });

// `npx tsx examples/mission-server.ts` (or compiled with tsc): serves the examples directory.
if (require.main === module) {
  const port = Number(process.env.PORT ?? 3000);
  createMissionServer({ missionsDir: __dirname }).listen(port, () =>
    console.log(`curl -X POST http://localhost:${port}/missions/hello`),
  );
}
