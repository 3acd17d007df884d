/** Things that carry packets: the simulated network and pcap capture. */
export { Capture, type CaptureOptions } from './capture.js';
export * from './sim/index.js';
