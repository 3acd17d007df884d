// TCP client for net-server.js. Run: node examples/net-client.js
const net = require('wirestack/net');

const client = net
  .connect({ port: 8124 }, () => {
    console.log('已同意好友请求\n你是？');
  })
  .on('data', (data) => {
    console.log(data.toString());
    client.end();
  })
  .on('end', () => {
    console.log('你滚！');
  });
