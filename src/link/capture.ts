/**
 * Packet capture to the libpcap format: every frame handed to `record` is
 * appended as one record, in memory (`bytes()`) and, when a path is given,
 * to that file as it happens. Link types: Ethernet (sim links, Ethernet
 * interfaces) or raw IP (loopback and IP-only interfaces).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { LINKTYPE_ETHERNET, LINKTYPE_RAW, pcapGlobalHeader, pcapRecord } from '../wire/pcap.js';

export interface CaptureOptions {
  /** `ethernet` (LINKTYPE_ETHERNET) or `raw` (LINKTYPE_RAW, IPv4/IPv6 packets). Default ethernet. */
  linkType?: 'ethernet' | 'raw';
  /** Also write to this file as packets arrive. */
  path?: string;
  /** Keep the bytes in memory for `bytes()` (default true). */
  keep?: boolean;
  /** Added to every timestamp, in ms (default 0: virtual time reads as 1970-01-01). */
  epochMs?: number;
  snapLength?: number;
}

export class Capture {
  readonly linkType: number;
  /** Records written so far. */
  packets = 0;
  private readonly chunks: Uint8Array[] = [];
  private readonly keep: boolean;
  private readonly epochMs: number;
  private readonly snapLength: number;
  private fd: number | null = null;

  constructor(options: CaptureOptions = {}) {
    this.linkType = options.linkType === 'raw' ? LINKTYPE_RAW : LINKTYPE_ETHERNET;
    this.keep = options.keep ?? true;
    this.epochMs = options.epochMs ?? 0;
    this.snapLength = options.snapLength ?? 262144;
    const header = pcapGlobalHeader(this.linkType, this.snapLength);
    if (this.keep) this.chunks.push(header);
    if (options.path !== undefined) {
      this.fd = openSync(options.path, 'w');
      writeSync(this.fd, header);
    }
  }

  /** Appends one packet seen at `timeMs` (the link's clock). */
  record(timeMs: number, frame: Uint8Array): void {
    const record = pcapRecord(this.epochMs + timeMs, frame, this.snapLength);
    this.packets++;
    if (this.keep) this.chunks.push(record);
    if (this.fd !== null) writeSync(this.fd, record);
  }

  /** The whole file so far. */
  bytes(): Uint8Array {
    let length = 0;
    for (const c of this.chunks) length += c.length;
    const out = new Uint8Array(length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** Closes the file, if any; further records stay in memory only. */
  close(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
  }
}
