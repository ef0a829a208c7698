import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** @type {import('next').NextConfig} */
export default {
  // The monorepo is the root of the module graph (the workspace packages live there).
  turbopack: { root },
  outputFileTracingRoot: root,
  // demo-kit is loaded by Node at run time, not bundled: it loads the chosen store's package and
  // driver by name (native ones among them). A workspace package is bundled even when listed in
  // serverExternalPackages, hence the webpack external (and `next build --webpack`).
  webpack(config, { isServer }) {
    if (isServer) config.externals.push({ 'demo-kit': 'commonjs demo-kit' });
    return config;
  },
  // The demo's pages are its own (demo-kit's): no Next header or trailing-slash redirects.
  poweredByHeader: false,
};
