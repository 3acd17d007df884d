// UDP server on 8000 (from the notes): answers any message with 'exit' to 8001.
// Run: node examples/dgram-server.js, then node examples/dgram-client.js
const dgram = require('wirestack/dgram');

const server = dgram.createSocket('udp4');
server
  .on('message', (msg, rinfo) => {
    console.log(`服务器收到：${msg} 来自 ${rinfo.address}:${rinfo.port}`);
    server.send('exit', 0, 4, 8001, 'localhost');
  })
  .on('listening', () => {
    const address = server.address();
    console.log(`服务器监听 ${address.address}:${address.port}`);
  })
  .on('error', (err) => {
    console.log(`服务器异常：\n${err.stack}`);
    server.close();
  })
  .on('close', () => {
    console.log('服务器关闭');
  })
  .bind(8000);
