// UDP server on 41234 (from the notes), and the two ways of sending it
// 'Some bytes': one Buffer to 'localhost', then a list of Buffers.
// Run: node examples/dgram-bytes.js
const dgram = require('wirestack/dgram');

const server = dgram.createSocket('udp4');
let received = 0;

server.on('error', (err) => {
  console.log(`服务器异常：\n${err.stack}`);
  server.close();
});

server.on('message', (msg, rinfo) => {
  console.log(`服务器收到：${msg} 来自 ${rinfo.address}:${rinfo.port}`);
  if (++received === 2) server.close();
});

server.on('listening', () => {
  const address = server.address();
  console.log(`服务器监听 ${address.address}:${address.port}`);

  const message = Buffer.from('Some bytes');
  const client = dgram.createSocket('udp4');
  client.send(message, 41234, 'localhost', () => {
    client.close();
  });

  const buf1 = Buffer.from('Some ');
  const buf2 = Buffer.from('bytes');
  const client2 = dgram.createSocket('udp4');
  client2.send([buf1, buf2], 41234, () => {
    client2.close();
  });
});

server.bind(41234);
