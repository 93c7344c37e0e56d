import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Route } from '../../subgraphs/common/src/http';

/** Explorer assets come from npm packages and are served by the gateway itself: no CDN, works offline. */
const ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  'graphiql.min.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css; charset=utf-8' },
  'graphiql.min.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript; charset=utf-8' },
  'react.production.min.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript; charset=utf-8' },
  'react-dom.production.min.js': {
    pkg: 'react-dom',
    file: 'umd/react-dom.production.min.js',
    type: 'text/javascript; charset=utf-8',
  },
};

/** The installed package's folder; its `exports` map hides the UMD files from require.resolve. */
function packageDir(pkg: string): string {
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== pkg) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package ${pkg} not found`);
    dir = parent;
  }
  return dir;
}

const DEFAULT_QUERY = `# Paste a token above (npm run token -- --role partner --brand CONGSTAR), then run:
query Brands {
  brands {
    code
    name
    balanceQueryCode
  }
}
`;

function explorerPage(graphqlPath: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>Guthaben GraphQL explorer</title>
  <link rel="stylesheet" href="/explorer/assets/graphiql.min.css" />
  <style>
    html, body { height: 100%; margin: 0; font-family: system-ui, sans-serif; }
    body { display: flex; flex-direction: column; }
    #token-bar { display: flex; gap: 8px; align-items: center; padding: 6px 10px; border-bottom: 1px solid #ddd; }
    #token-bar input { flex: 1; font-family: monospace; padding: 4px; }
    #graphiql { flex: 1; min-height: 0; }
  </style>
</head>
<body>
  <div id="token-bar">
    <label for="token">Bearer token</label>
    <input id="token" name="token" type="password" autocomplete="off" placeholder="paste a JWT here" />
    <span id="token-state" aria-live="polite"></span>
  </div>
  <div id="graphiql">Loading the explorer…</div>
  <script src="/explorer/assets/react.production.min.js"></script>
  <script src="/explorer/assets/react-dom.production.min.js"></script>
  <script src="/explorer/assets/graphiql.min.js"></script>
  <script>
    (function () {
      var tokenInput = document.getElementById('token');
      var tokenState = document.getElementById('token-state');
      tokenInput.value = sessionStorage.getItem('guthaben.token') || '';
      function showState() { tokenState.textContent = tokenInput.value ? 'token set' : 'no token'; }
      tokenInput.addEventListener('input', function () {
        sessionStorage.setItem('guthaben.token', tokenInput.value.trim());
        showState();
      });
      showState();
      var base = GraphiQL.createFetcher({ url: ${JSON.stringify(graphqlPath)} });
      function fetcher(params, options) {
        var headers = Object.assign({}, (options && options.headers) || {});
        var token = tokenInput.value.trim();
        if (token && !headers.Authorization && !headers.authorization) headers.Authorization = 'Bearer ' + token;
        return base(params, Object.assign({}, options, { headers: headers }));
      }
      // ?query=…&variables=… opens the explorer on a given operation (links in docs, tests).
      var params = new URLSearchParams(window.location.search);
      ReactDOM.createRoot(document.getElementById('graphiql')).render(
        React.createElement(GraphiQL, {
          fetcher: fetcher,
          defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
          query: params.get('query') || undefined,
          variables: params.get('variables') || undefined,
          shouldPersistHeaders: false
        })
      );
    })();
  </script>
</body>
</html>`;
}

export function explorerRoutes(graphqlPath = '/graphql'): Route[] {
  const assets = new Map(
    Object.entries(ASSETS).map(([name, asset]) => [
      name,
      { body: readFileSync(join(packageDir(asset.pkg), asset.file)), type: asset.type },
    ]),
  );
  const page = Buffer.from(explorerPage(graphqlPath));
  const sendPage: Route['handle'] = ({ res }) => {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': page.length,
      'content-security-policy':
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'",
    });
    res.end(page);
  };
  return [
    { method: 'GET', path: '/explorer', handle: sendPage },
    { method: 'GET', path: '/', handle: sendPage },
    {
      method: 'GET',
      path: /^\/explorer\/assets\/([\w.-]+)$/,
      handle: ({ res, params }) => {
        const asset = assets.get(params[0] ?? '');
        if (!asset) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, {
          'content-type': asset.type,
          'content-length': asset.body.length,
          'cache-control': 'public, max-age=86400',
        });
        res.end(asset.body);
      },
    },
  ];
}
