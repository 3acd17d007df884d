// http.request client for http-server.js (options as in the notes).
const http = require('wirestack/http');

const options = {
  hostname: '127.0.0.1',
  port: 1334,
  path: '/',
  method: 'GET',
};
const req = http.request(options, (res) => {
  console.log(`客户端收到响应：${res.statusCode} ${res.statusMessage}`);
  console.log(res.headers);
  res.setEncoding('utf8');
  res.on('data', (chunk) => {
    console.log(`响应内容：${chunk}`);
  });
});
req.on('error', (err) => {
  console.error(err.message);
});
req.end();
