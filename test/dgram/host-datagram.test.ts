/** The host DatagramHandle (node:dgram as a plain datagram pipe), used directly. */
import { createHostDatagram } from '../../src/handle/host-datagram.js';
import { datagramHandleContract } from './handle-contract.js';

datagramHandleContract({
  create: createHostDatagram,
  realFd: false,
  deliversQueued: false,
});
