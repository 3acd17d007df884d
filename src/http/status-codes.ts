/**
 * `http.STATUS_CODES`: the standard reason phrase for each status code, as
 * Node's `require('http').STATUS_CODES` lists them (IANA HTTP Status Code
 * Registry; RFC 9110 §15 for the core set).
 */
export const STATUS_CODES: Record<number, string | undefined> = {
  100: 'Continue', // RFC 9110 15.2.1
  101: 'Switching Protocols', // RFC 9110 15.2.2
  102: 'Processing', // RFC 2518 10.1 (obsoleted by RFC 4918)
  103: 'Early Hints', // RFC 8297 2
  200: 'OK', // RFC 9110 15.3.1
  201: 'Created', // RFC 9110 15.3.2
  202: 'Accepted', // RFC 9110 15.3.3
  203: 'Non-Authoritative Information', // RFC 9110 15.3.4
  204: 'No Content', // RFC 9110 15.3.5
  205: 'Reset Content', // RFC 9110 15.3.6
  206: 'Partial Content', // RFC 9110 15.3.7
  207: 'Multi-Status', // RFC 4918 11.1
  208: 'Already Reported', // RFC 5842 7.1
  226: 'IM Used', // RFC 3229 10.4.1
  300: 'Multiple Choices', // RFC 9110 15.4.1
  301: 'Moved Permanently', // RFC 9110 15.4.2
  302: 'Found', // RFC 9110 15.4.3
  303: 'See Other', // RFC 9110 15.4.4
  304: 'Not Modified', // RFC 9110 15.4.5
  305: 'Use Proxy', // RFC 9110 15.4.6
  307: 'Temporary Redirect', // RFC 9110 15.4.8
  308: 'Permanent Redirect', // RFC 9110 15.4.9
  400: 'Bad Request', // RFC 9110 15.5.1
  401: 'Unauthorized', // RFC 9110 15.5.2
  402: 'Payment Required', // RFC 9110 15.5.3
  403: 'Forbidden', // RFC 9110 15.5.4
  404: 'Not Found', // RFC 9110 15.5.5
  405: 'Method Not Allowed', // RFC 9110 15.5.6
  406: 'Not Acceptable', // RFC 9110 15.5.7
  407: 'Proxy Authentication Required', // RFC 9110 15.5.8
  408: 'Request Timeout', // RFC 9110 15.5.9
  409: 'Conflict', // RFC 9110 15.5.10
  410: 'Gone', // RFC 9110 15.5.11
  411: 'Length Required', // RFC 9110 15.5.12
  412: 'Precondition Failed', // RFC 9110 15.5.13
  413: 'Payload Too Large', // RFC 9110 15.5.14
  414: 'URI Too Long', // RFC 9110 15.5.15
  415: 'Unsupported Media Type', // RFC 9110 15.5.16
  416: 'Range Not Satisfiable', // RFC 9110 15.5.17
  417: 'Expectation Failed', // RFC 9110 15.5.18
  418: "I'm a Teapot", // RFC 7168 2.3.3
  421: 'Misdirected Request', // RFC 9110 15.5.20
  422: 'Unprocessable Entity', // RFC 9110 15.5.21
  423: 'Locked', // RFC 4918 11.3
  424: 'Failed Dependency', // RFC 4918 11.4
  425: 'Too Early', // RFC 8470 5.2
  426: 'Upgrade Required', // RFC 9110 15.5.22
  428: 'Precondition Required', // RFC 6585 3
  429: 'Too Many Requests', // RFC 6585 4
  431: 'Request Header Fields Too Large', // RFC 6585 5
  451: 'Unavailable For Legal Reasons', // RFC 7725 3
  500: 'Internal Server Error', // RFC 9110 15.6.1
  501: 'Not Implemented', // RFC 9110 15.6.2
  502: 'Bad Gateway', // RFC 9110 15.6.3
  503: 'Service Unavailable', // RFC 9110 15.6.4
  504: 'Gateway Timeout', // RFC 9110 15.6.5
  505: 'HTTP Version Not Supported', // RFC 9110 15.6.6
  506: 'Variant Also Negotiates', // RFC 2295 8.1
  507: 'Insufficient Storage', // RFC 4918 11.5
  508: 'Loop Detected', // RFC 5842 7.2
  509: 'Bandwidth Limit Exceeded',
  510: 'Not Extended', // RFC 2774 7 (historic)
  511: 'Network Authentication Required', // RFC 6585 6
};
