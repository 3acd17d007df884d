// HTTP server on 1334. Run: node examples/http-server.js, then
// node examples/http-client.js (or curl http://127.0.0.1:1334/)
const http = require('wirestack/http');

const server = http.createServer((req, res) => {
  console.log(`服务器收到请求：${req.method} ${req.url}`);
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('你好，世界！');
});

server.on('clientError', (_err, socket) => {
  socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
});

server.listen(1334);
