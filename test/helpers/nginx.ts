/**
 * nginx as a test peer: one process in the foreground (no daemon, no
 * master), everything it writes under a temporary prefix, errors on stderr.
 */

/**
 * A whole nginx.conf for `nginx -p PREFIX -c PREFIX/nginx.conf -e stderr`:
 * the process settings and the `http` block's temp paths under `prefix`,
 * then `http` (the rest of the `http` block, each line indented and ending
 * in a newline).
 */
export function nginxConfig(prefix: string, http: string): string {
  return `daemon off;
master_process off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log stderr warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
${http}}
`;
}
