/**
 * A link to the kernel described in text, as `wirestack run --link` takes it
 * and hands it to the program through the environment:
 *
 * | variable | example | meaning |
 * | --- | --- | --- |
 * | `WIRESTACK_LINK` | `vxlan:10.99.0.2:4789@10.99.0.1:4789` | KIND:LOCAL@REMOTE — the kind (`vxlan` or `udp`), this end's UDP socket, the peer's |
 * | `WIRESTACK_ADDRESSES` | `10.78.0.2/24,fd78::2/64` | the interface's addresses |
 * | `WIRESTACK_GATEWAYS` | `10.78.0.1,fd78::1` | default routes, one gateway per family |
 * | `WIRESTACK_LINK_MTU` | `1450` | the interface's MTU (default: the kind's; VXLAN over an IPv6 underlay 1430) |
 * | `WIRESTACK_VNI` | `42` | the VXLAN network identifier (default 1) |
 * | `WIRESTACK_FAULTS` | `delay=20,jitter=5,loss=1%,seed=7` | the fault layer on the link |
 *
 * Errors name the variable (or option) at fault.
 */
import { parseCidr, parseIp } from '../stack/address.js';
import {
  type FaultSpec,
  formatFaultSpec,
  OptionError,
  parseFaultSpec,
  parseNonNegative,
} from './fault-options.js';
import { FaultLink } from './faults.js';
import type { PacketLink } from './packet-link.js';
import type { SimClock } from './sim/clock.js';
import { UdpIpLink } from './udp-ip.js';
import { formatUdpEndpoint, parseUdpEndpoint, type UdpEndpoint } from './udp-tunnel.js';
import { VXLAN_DEFAULT_MTU, VxlanLink } from './vxlan.js';

/**
 * The VXLAN MTU over an IPv6 underlay: the outer IPv6 header is 20 bytes
 * longer than IPv4's, so 1500 − 40 − 8 − 8 − 14, what the kernel gives its
 * vxlan device over a 1500-byte IPv6 device.
 */
const VXLAN_IPV6_UNDERLAY_MTU = VXLAN_DEFAULT_MTU - 20;

export type LinkKind = 'vxlan' | 'udp';

/** `KIND:LOCAL@REMOTE`. */
export interface LinkSpec {
  kind: LinkKind;
  local: UdpEndpoint;
  remote: UdpEndpoint;
}

export interface LinkConfig extends LinkSpec {
  addresses: string[];
  gateways: string[];
  mtu?: number;
  vni?: number;
  /** Faults on the link (none when null). */
  faults: FaultSpec | null;
}

/** Reads `vxlan:10.99.0.2:4789@10.99.0.1:4789` (IPv6 in brackets). */
export function parseLinkSpec(text: string, what = '--link'): LinkSpec {
  const colon = text.indexOf(':');
  const kind = colon > 0 ? text.slice(0, colon) : '';
  if (kind !== 'vxlan' && kind !== 'udp') {
    throw new OptionError(
      `${what} must be KIND:LOCAL@REMOTE with KIND vxlan or udp (vxlan:10.99.0.2:4789@10.99.0.1:4789), not '${text}'`,
    );
  }
  const ends = text.slice(colon + 1).split('@');
  if (ends.length !== 2) {
    throw new OptionError(
      `${what} must be ${kind}:LOCAL_ADDRESS:PORT@REMOTE_ADDRESS:PORT, not '${text}'`,
    );
  }
  const endpoint = (t: string, which: string): UdpEndpoint => {
    try {
      return parseUdpEndpoint(t, `${what}'s ${which} end`);
    } catch (err) {
      throw new OptionError((err as Error).message);
    }
  };
  const local = endpoint(ends[0]!, 'local');
  const remote = endpoint(ends[1]!, 'remote');
  if (local.address.includes(':') !== remote.address.includes(':')) {
    throw new OptionError(`${what}: the local and remote addresses must be of one family`);
  }
  return { kind, local, remote };
}

export function formatLinkSpec(spec: LinkSpec): string {
  return `${spec.kind}:${formatUdpEndpoint(spec.local)}@${formatUdpEndpoint(spec.remote)}`;
}

/** Checks `10.78.0.2/24` (a prefix length is required). */
export function checkAddress(text: string, what = '--address'): string {
  if (!text.includes('/') || parseCidr(text) === null) {
    throw new OptionError(
      `${what} must be ADDRESS/PREFIX like 10.78.0.2/24 or fd78::2/64, not '${text}'`,
    );
  }
  return text;
}

/** Checks a gateway: an IP literal. */
export function checkGateway(text: string, what = '--gateway'): string {
  if (parseIp(text) === null) throw new OptionError(`${what} must be an IP address, not '${text}'`);
  return text;
}

/** Checks an MTU: IPv6 needs at least 1280 (RFC 8200 §5). */
export function checkMtu(text: string, what = '--mtu'): number {
  const mtu = parseNonNegative(what, text, true);
  if (mtu < 1280 || mtu > 65535)
    throw new OptionError(`${what} must be from 1280 to 65535, not ${mtu}`);
  return mtu;
}

/** Checks a VNI (24 bits). */
export function checkVni(text: string, what = '--vni'): number {
  const vni = parseNonNegative(what, text, true);
  if (vni > 0xffffff) throw new OptionError(`${what} must be from 0 to 16777215, not ${vni}`);
  return vni;
}

const list = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** The link the environment describes, or null when `WIRESTACK_LINK` is unset or empty. */
export function linkConfigFromEnv(env: NodeJS.ProcessEnv): LinkConfig | null {
  const text = env.WIRESTACK_LINK;
  if (text === undefined || text === '') return null;
  const spec = parseLinkSpec(text, 'WIRESTACK_LINK');
  const config: LinkConfig = {
    ...spec,
    addresses: list(env.WIRESTACK_ADDRESSES).map((a) => checkAddress(a, 'WIRESTACK_ADDRESSES')),
    gateways: list(env.WIRESTACK_GATEWAYS).map((g) => checkGateway(g, 'WIRESTACK_GATEWAYS')),
    faults: env.WIRESTACK_FAULTS ? parseFaultSpec(env.WIRESTACK_FAULTS) : null,
  };
  if (env.WIRESTACK_LINK_MTU) config.mtu = checkMtu(env.WIRESTACK_LINK_MTU, 'WIRESTACK_LINK_MTU');
  if (env.WIRESTACK_VNI) {
    if (spec.kind !== 'vxlan') throw new OptionError('WIRESTACK_VNI is for vxlan links only');
    config.vni = checkVni(env.WIRESTACK_VNI, 'WIRESTACK_VNI');
  }
  return config;
}

/** The variables that carry `config` (what `linkConfigFromEnv` reads back). */
export function linkEnvironment(config: LinkConfig): Record<string, string> {
  const env: Record<string, string> = {
    WIRESTACK_LINK: formatLinkSpec(config),
    WIRESTACK_ADDRESSES: config.addresses.join(','),
    WIRESTACK_GATEWAYS: config.gateways.join(','),
  };
  if (config.mtu !== undefined) env.WIRESTACK_LINK_MTU = String(config.mtu);
  if (config.vni !== undefined) env.WIRESTACK_VNI = String(config.vni);
  if (config.faults !== null) {
    env.WIRESTACK_FAULTS = formatFaultSpec(config.faults);
  }
  return env;
}

/**
 * Opens the link `config` describes, under its fault layer when it has
 * faults (delayed on `clock`). `onerror` hears the socket's errors (a
 * failed bind); without it they are thrown.
 */
export function openLink(
  config: LinkConfig,
  options: { clock?: SimClock; onerror?: (err: Error) => void } = {},
): PacketLink {
  const base =
    config.kind === 'vxlan'
      ? new VxlanLink({
          local: config.local,
          remote: config.remote,
          mtu:
            config.mtu ??
            (config.local.address.includes(':') ? VXLAN_IPV6_UNDERLAY_MTU : VXLAN_DEFAULT_MTU),
          vni: config.vni,
        })
      : new UdpIpLink({ local: config.local, remote: config.remote, mtu: config.mtu });
  if (options.onerror) base.onerror = options.onerror;
  if (config.faults === null) return base;
  return new FaultLink(base, {
    conditions: config.faults.conditions,
    seed: config.faults.seed,
    clock: options.clock,
  });
}
