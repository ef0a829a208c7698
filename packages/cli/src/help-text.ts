/** What `sess --help` prints. */
export const HELP = `sess: manage the sessions of a sess store

Usage: sess <command> --store URL [options]

Commands:
  prune                       delete expired sessions (for stores without native expiry); safe to run
                              from cron while the app serves
  stats                       count the live sessions of the store
  list --owner NAME           list the live sessions of one user (handle, device, times)
  revoke --owner NAME         end every session of one user
  revoke --owner NAME --handle H
                              end one session of that user (a handle from \`sess list\`)
  schema                      print the SQL that creates the store's table (postgres, mysql, sqlite)

Options:
  --store URL                 the store: redis://HOST:6379, postgres://USER@HOST:5432/DB,
                              mysql://USER@HOST:3306/DB, sqlite:PATH or file:DIR
                              (default: the SESSION_STORE_URL environment variable)
  --table NAME                SQL stores: the session table (default: sessions)
  --prefix PREFIX             Redis: the key prefix (default: sess:)
  --json                      list, stats: print JSON
  -h, --help                  print this help

Handles are made with the app's secret: \`list\` and \`revoke --handle\` read it from SESSION_SECRET
(several comma-separated: the first one). No command prints a session ID.

Exit codes: 0 done, 1 the store failed, 2 the command was called wrongly.
`;
