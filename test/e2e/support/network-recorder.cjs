// Preloaded (node --require) into an app under test: records every outgoing connection and DNS lookup
// to a host that is not loopback, and whether the telemetry SDK was ever loaded, into $NETWORK_LOG.
'use strict';
const dns = require('node:dns');
const fs = require('node:fs');
const net = require('node:net');

const log = process.env.NETWORK_LOG;
// Listening on all interfaces looks up 0.0.0.0; that is local too.
const isLoopback = (host) =>
  !host ||
  host === 'localhost' ||
  host.startsWith('127.') ||
  ['::1', '0.0.0.0', '::'].includes(host);
const record = (line) => fs.appendFileSync(log, `${line}\n`);

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options =
    typeof args[0] === 'object' ? args[0] : { port: args[0], host: args[1] };
  if (!options.path && !isLoopback(options.host)) {
    record(`connect ${options.host}:${options.port}`);
  }
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function (hostname, ...rest) {
  if (!isLoopback(hostname)) {
    record(`lookup ${hostname}`);
  }
  return lookup.call(this, hostname, ...rest);
};

// Any load of the telemetry SDK is recorded the moment it happens.
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (/^(applicationinsights|@azure\/monitor-opentelemetry)/.test(request)) {
    record(`require ${request}`);
  }
  return load.call(this, request, ...rest);
};
