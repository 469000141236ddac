// Lint rules that encode the project's concurrency conventions, on top of the recommended sets.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-unsafe-declaration-merging': 'off',
      '@typescript-eslint/no-empty-object-type': 'off',
    },
  },
  {
    // Module boundaries: a module reaches another only through its exported services, never
    // its repositories or schemas (same-folder imports such as './item.schema' are fine).
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*/*.repository', '../../*/*.repository', '../*/*.schema', '../../*/*.schema'],
              message: "Another module's repository or schema: use a service it exports.",
            },
          ],
        },
      ],
    },
  },
  {
    // Problem Details is the layer below the toolkit: it knows HTTP, not databases or concurrency
    // (the toolkit hands it PROBLEM_TRANSLATORS instead).
    files: ['libs/problem-details/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['@app/concurrency', '@app/concurrency/*', '@app/mongo-emulator', '@app/mongo-emulator/*', 'mongodb', 'mongoose'], message: '@app/problem-details knows HTTP only.' }],
        },
      ],
    },
  },
  {
    // Domain modules: sessions, retries and fan-out go through @app/concurrency.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='startSession']",
          message: 'Use @Transactional() from @app/concurrency instead of hand-rolled sessions.',
        },
        {
          selector: "CallExpression[callee.property.name='withTransaction']",
          message: 'Use @Transactional() from @app/concurrency instead of withTransaction.',
        },
        {
          selector: "CallExpression[callee.object.name='Promise'][callee.property.name='all']",
          message: 'Unbounded fan-out: use mapBounded() from @app/concurrency.',
        },
        {
          selector: "CallExpression[callee.property.name='save'][arguments.length=0]",
          message: 'document.save() is a load-modify-save race: use updateVersioned()/transition() or a guarded update.',
        },
      ],
    },
  },
);
