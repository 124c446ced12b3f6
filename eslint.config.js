import antfu from '@antfu/eslint-config'

export default antfu({
  typescript: true,
  vue: true,
  // The defaults already match the code: 2 spaces, single quotes, no semicolons.
  stylistic: true,
  markdown: {
    overrides: {
      // Examples are read more than run: one line per template element, comments aligned in a column.
      'style/no-multi-spaces': 'off',
      'vue/singleline-html-element-content-newline': 'off',
    },
  },
  // Generated: the site's build and cache, and the API reference written from the types on every docs build.
  ignores: ['dist', 'bench/RESULTS.md', 'docs/.vitepress/cache', 'docs/.vitepress/dist', 'docs/reference'],
}, {
  // The library runs in browsers: `process.env.NODE_ENV` has to stay the global that the app's bundler replaces,
  // never an import of node:process.
  files: ['src/**/*.ts'],
  rules: {
    'node/prefer-global/process': ['error', 'always'],
    // Code that reads in one sitting: files of at most 300 lines and functions of at most 80, comments aside.
    'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
    'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
  },
}, {
  // Tests, servers, benchmarks and config run in Node: its globals are fine there, and a regex in a test helper
  // is not a hot path.
  files: ['test/**', 'bench/**', 'playground/server/**', 'vite*.ts', 'scripts/**'],
  rules: {
    'node/prefer-global/buffer': 'off',
    'node/prefer-global/process': 'off',
    'e18e/prefer-static-regex': 'off',
  },
}, {
  // The recipes' servers are scripts run with `node server.js`, written as the frameworks' docs write them.
  files: ['test/recipes/**/*.js'],
  rules: {
    'antfu/no-top-level-await': 'off',
  },
}, {
  // Its fix turns `Array.from({ length }, () => [])` into one array shared by every slot.
  rules: {
    'e18e/prefer-array-fill': 'off',
  },
})
