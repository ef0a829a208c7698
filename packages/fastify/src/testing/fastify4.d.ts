// Fastify 4 is installed under the alias `fastify4` to test both majors; its types are Fastify 4's
// own, which `serveFastify` does not need: it builds both apps through Fastify 5's types.
declare module 'fastify4' {
  import type Fastify from 'fastify';
  const fastify4: typeof Fastify;
  export default fastify4;
}
