/** The app's name and default port, for `src/server.ts` and the routes alike. */
export const DEMO_OPTIONS = { appName: 'next-demo', defaultPort: 3005 } as const;
