/** h3 1 on node:http (`toNodeListener`) with no session library: the ceiling of the h3 targets. */
import { createServer } from 'node:http';
import { createApp, createRouter, defineEventHandler, getRequestHeader, setResponseHeader, toNodeListener } from 'h3';
import { increment, readCount, readSession } from './bare-sessions.js';
import { listen } from './server-common.js';

const router = createRouter()
  .post(
    '/api/counter',
    defineEventHandler((event) => {
      const result = increment(readSession(getRequestHeader(event, 'cookie')));
      if (result.setCookie) setResponseHeader(event, 'Set-Cookie', result.setCookie);
      return { count: result.count };
    }),
  )
  .get(
    '/api/session',
    defineEventHandler((event) => ({ count: readCount(readSession(getRequestHeader(event, 'cookie'))) })),
  );
listen(createServer(toNodeListener(createApp().use(router))));
