import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

/** Upper bound on one scenario, so a hang fails the test instead of the run. */
const SCENARIO_LIMIT_MS = 60_000;

/**
 * Runs `fixtures/<name>.ts` as its own process (a cluster primary, or a
 * parent forking a child) under tsx, and returns the JSON it prints last.
 */
function runScenario(name: string, env: NodeJS.ProcessEnv = {}): Promise<Record<string, unknown>> {
  const file = join(__dirname, 'fixtures', `${name}.ts`);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', file],
      {
        env: { ...process.env, NODE_CLUSTER_SCHED_POLICY: undefined, ...env },
        timeout: SCENARIO_LIMIT_MS,
      },
      (err, stdout, stderr) => {
        const last = stdout.trim().split('\n').pop() ?? '';
        if (err) {
          reject(new Error(`${name} failed: ${err.message}\n${stdout}\n${stderr}`));
          return;
        }
        try {
          resolve(JSON.parse(last) as Record<string, unknown>);
        } catch {
          reject(new Error(`${name} printed no result:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

interface HttpWorkersResult {
  policy: string;
  answers: string[];
  online: number;
  listening: Array<{ port: number; addressType: number }>;
  exits: Array<{ code: number; signal: null; exitedAfterDisconnect: boolean }>;
  workerFds: number[];
  workerListening: boolean[][];
}

describe('node:cluster workers on wirestack', () => {
  it('round-robin: two workers serving wirestack http on one port both answer', async () => {
    const result = (await runScenario('http-workers')) as unknown as HttpWorkersResult;
    assert.equal(result.policy, 'rr');
    assert.deepEqual(result.answers, ['1', '2']);
    assert.equal(result.online, 2);
    assert.equal(result.listening.length, 2);
    assert.equal(result.listening[0]!.port, result.listening[1]!.port);
    assert.equal(result.listening[0]!.addressType, 4);
    // Under round-robin the primary holds the socket: the workers have none.
    assert.deepEqual(result.workerFds, [-1, -1]);
    // As Node's: listening once the primary has answered, not at once.
    assert.deepEqual(result.workerListening, [
      [false, true],
      [false, true],
    ]);
    assert.deepEqual(result.exits, [
      { code: 0, signal: null, exitedAfterDisconnect: true },
      { code: 0, signal: null, exitedAfterDisconnect: true },
    ]);
  });

  it('SCHED_NONE: the workers listen on the socket the primary bound and share it', async () => {
    const result = (await runScenario('http-workers', {
      NODE_CLUSTER_SCHED_POLICY: 'none',
    })) as unknown as HttpWorkersResult;
    assert.equal(result.policy, 'none');
    assert.equal(result.listening.length, 2);
    assert.equal(result.listening[0]!.port, result.listening[1]!.port);
    // Each worker holds a real descriptor of the shared socket and accepts itself.
    assert.equal(result.workerFds.length, 2);
    for (const fd of result.workerFds) assert.ok(fd >= 0, `fd ${fd}`);
    // The kernel picks which worker accepts: at least one answered.
    assert.ok(result.answers.length >= 1);
    for (const answer of result.answers) assert.match(answer, /^[12]$/);
    assert.equal(result.exits.length, 2);
    for (const exit of result.exits) assert.equal(exit.code, 0);
  });

  it("https: the workers share the first worker's session ticket keys, as Node's tls servers", async () => {
    const result = await runScenario('https-workers');
    assert.deepEqual(result, { sameTicketKeys: true, body: 'secure' });
  });

  it('dgram: workers bind one shared UDP socket through the primary, and answer on it', async () => {
    const result = await runScenario('dgram-workers');
    const listening = result.listening as Array<{ port: number; addressType: string }>;
    assert.equal(listening.length, 2);
    assert.equal(listening[0]!.port, listening[1]!.port);
    assert.equal(listening[0]!.addressType, 'udp4');
    assert.match(String(result.reply), /^pong from worker [12]: ping$/);
    assert.deepEqual(result.exits, [0, 0]);
  });

  it("userspace transport: each worker's stack is its own, so listen() stays in the worker", async () => {
    const result = await runScenario('userspace-workers');
    // Both workers bound the same port, each on its own stack, and reached their own server.
    assert.deepEqual(result, { replies: ['worker 1', 'worker 2'], clusterListening: 0 });
  });

  it('a disconnecting worker serves its open connection, exits, and its Unix socket file is removed', async () => {
    const result = await runScenario('unix-disconnect');
    assert.deepEqual(result, {
      fileWhileListening: true,
      greeting: 'hello',
      workerSaid: 'leaving',
      echoAfterDisconnect: 'echo: still there?',
      disconnected: true,
      exit: { code: 0, signal: null, exitedAfterDisconnect: true },
      fileAfterExit: false,
    });
  });
});

describe('handles passed between processes', () => {
  it('worker.send(message, socket): a wirestack socket reaches the worker as a wirestack socket (sticky sessions)', async () => {
    const result = await runScenario('sticky-session');
    assert.deepEqual(result, {
      received: 'wirestack net.Socket',
      body: 'worker 1 /hello',
      code: 0,
    });
  });

  it('process.send(message, server): the parent gets a wirestack server on the same socket', async () => {
    const result = await runScenario('server-passing');
    assert.deepEqual(result, {
      userspaceSend: 'ERR_INVALID_HANDLE_TYPE',
      received: 'wirestack net.Server',
      samePort: true,
      text: 'served by the parent',
    });
  });

  it('child.send(message, dgramSocket): a bound wirestack dgram socket keeps serving in the child', async () => {
    const result = await runScenario('dgram-passing');
    assert.deepEqual(result, { reply: 'child (wirestack dgram.Socket) got ping' });
  });

  it("a connection sent to a child still counts in the server's getConnections(), until the child closes it", async () => {
    const result = await runScenario('connection-count');
    assert.deepEqual(result, { counts: [1, 0], closed: true });
  });

  it('a socket destroyed while it waits behind another handle goes as its message alone', async () => {
    const result = await runScenario('queued-send');
    assert.deepEqual(result, {
      replies: [
        { message: 'first', withHandle: true },
        { message: 'second', withHandle: false },
      ],
    });
  });

  it("child.send(message, socket): a child without wirestack gets Node's own net.Socket", async () => {
    const result = await runScenario('node-receiver');
    assert.deepEqual(result, { text: "child got Node's net.Socket" });
  });
});
