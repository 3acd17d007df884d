/**
 * `new Simulation(options)` and `addHost(name, options)` refuse what they
 * cannot honour, with Node's error codes, before building anything.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Simulation } from '../../src/sim.js';

type Shape = { name: string; code: string; message: string | RegExp };

/** What the options of `new Simulation(...)` get wrong, and the error each gives. */
const BAD_SIMULATION_OPTIONS: Array<[string, unknown, Shape]> = [
  [
    'an unknown link condition',
    { link: { delay: 50 } },
    {
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
      message:
        /^The property 'options\.link\.delay' is not a known link condition \(the link conditions are latencyMs, .*\)\. Received 50$/,
    },
  ],
  [
    'a loss given as a percentage',
    { link: { loss: 20 } },
    {
      name: 'RangeError',
      code: 'ERR_OUT_OF_RANGE',
      message:
        'The value of "options.link.loss" is out of range. It must be a finite number >= 0 && <= 1. Received 20',
    },
  ],
  [
    'a negative loss',
    { link: { loss: -1 } },
    {
      name: 'RangeError',
      code: 'ERR_OUT_OF_RANGE',
      message: /"options\.link\.loss".*Received -1$/,
    },
  ],
  [
    'a latency given as a string',
    { link: { latencyMs: '50' } },
    {
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
      message:
        'The "options.link.latencyMs" property must be of type number. Received type string (\'50\')',
    },
  ],
  [
    'a seed given as a word',
    { seed: 'abc' },
    {
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
      message: 'The "options.seed" property must be of type number. Received type string (\'abc\')',
    },
  ],
  [
    'a fractional seed',
    { seed: 1.5 },
    {
      name: 'RangeError',
      code: 'ERR_OUT_OF_RANGE',
      message: /"options\.seed".*an integer >= 0 && <= 4294967295/,
    },
  ],
  [
    'an unknown option',
    { seeds: 1 },
    {
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
      message: /^The property 'options\.seeds' is not a known option/,
    },
  ],
  [
    'realTime as a string',
    { realTime: 'yes' },
    {
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
      message: /"options\.realTime" property must be of type boolean/,
    },
  ],
  [
    'an MTU below IPv4’s minimum',
    { link: { mtu: 60 } },
    {
      name: 'RangeError',
      code: 'ERR_OUT_OF_RANGE',
      message: /"options\.link\.mtu".*an integer >= 68 && <= 65535/,
    },
  ],
  [
    'an infinite delay',
    { link: { latencyMs: Number.POSITIVE_INFINITY } },
    { name: 'RangeError', code: 'ERR_OUT_OF_RANGE', message: /"options\.link\.latencyMs"/ },
  ],
  [
    'link conditions that are not an object',
    { link: 5 },
    {
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
      message: /"options\.link" property must be of type object/,
    },
  ],
];

describe('new Simulation(options)', () => {
  for (const [what, options, expected] of BAD_SIMULATION_OPTIONS) {
    test(`refuses ${what}`, () => {
      assert.throws(() => new Simulation(options as never), expected);
    });
  }

  test('accepts every link condition in range, and no options at all', () => {
    const sim = new Simulation({
      seed: 4294967295,
      realTime: false,
      autoRun: false,
      link: {
        latencyMs: 0,
        jitterMs: 2.5,
        bandwidthBps: 1e6,
        queueBytes: 1024,
        mtu: 1280,
        headerBytes: 14,
        loss: 1,
        duplicate: 0,
        reorder: 0.5,
        reorderDelayMs: undefined,
        corrupt: 0,
      },
    });
    sim.close();
    new Simulation({ autoRun: false }).close();
  });
});

describe('a link changed later: linkOf(host).set(conditions)', () => {
  test('refuses what the options would, and changes nothing then', () => {
    const sim = new Simulation({ autoRun: false });
    const link = sim.linkOf(sim.addHost('alpha'));
    assert.throws(() => link.set({ loss: 20 }), {
      code: 'ERR_OUT_OF_RANGE',
      message: /"conditions\.loss" is out of range/,
    });
    assert.throws(() => link.set({ delay: 5 } as never), {
      code: 'ERR_INVALID_ARG_VALUE',
      message: /^The property 'conditions\.delay' is not a known link condition/,
    });
    assert.equal(link.conditions.loss, 0);
    link.set({ loss: 0.2, latencyMs: 7 });
    assert.equal(link.conditions.loss, 0.2);
    assert.equal(link.conditions.latencyMs, 7);
    sim.close();
  });
});

describe('Simulation.addHost(name, options)', () => {
  test('refuses a second host with the same name, and builds nothing for it', () => {
    const sim = new Simulation({ autoRun: false });
    sim.addHost('alpha');
    assert.throws(() => sim.addHost('alpha'), {
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
      message:
        "The argument 'name' is already the name of a host in this simulation. Received 'alpha'",
    });
    assert.equal(sim.hosts.length, 1);
    assert.equal(sim.addHost('beta').addresses()[0], '10.0.0.2');
    sim.close();
  });

  const BAD_HOSTS: Array<[string, unknown, unknown, Shape]> = [
    [
      'a name that is not a string',
      7,
      undefined,
      {
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_TYPE',
        message: /"name" argument must be of type string/,
      },
    ],
    [
      'an empty name',
      '',
      undefined,
      { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE', message: /'name' must not be empty/ },
    ],
    [
      'an IPv6 address given as ipv4',
      'gamma',
      { ipv4: 'fd00::9/64' },
      {
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_VALUE',
        message: /'options\.ipv4' must be an IPv4 address with its prefix length/,
      },
    ],
    [
      'a malformed ipv6',
      'gamma',
      { ipv6: 'fd00::zz/64' },
      {
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_VALUE',
        message: /'options\.ipv6' must be an IPv6 address/,
      },
    ],
    [
      'an unknown host option',
      'gamma',
      { ip: '10.0.0.9/24' },
      {
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_VALUE',
        message: /'options\.ip' is not a known option \(the options are ipv4, ipv6, link\)/,
      },
    ],
    [
      'a bad link condition',
      'gamma',
      { link: { duplicate: 2 } },
      { name: 'RangeError', code: 'ERR_OUT_OF_RANGE', message: /"options\.link\.duplicate"/ },
    ],
  ];
  for (const [what, name, options, expected] of BAD_HOSTS) {
    test(`refuses ${what}`, () => {
      const sim = new Simulation({ autoRun: false });
      assert.throws(() => sim.addHost(name as string, options as never), expected);
      assert.equal(sim.hosts.length, 0);
      sim.close();
    });
  }

  test('takes its own addresses, or none of a family with null', () => {
    const sim = new Simulation({ autoRun: false });
    const host = sim.addHost('gamma', { ipv4: '192.168.7.9/24', ipv6: null });
    assert.deepEqual(host.addresses(), ['192.168.7.9']);
    sim.close();
  });
});
