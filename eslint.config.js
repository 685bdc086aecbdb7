import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bin/**', 'scripts/**', 'examples/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // An async method that does not await still implements an async interface; `async` keeps its throws rejections.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Errors are typed once (core/errors.ts), not cast at each catch.
    files: ['src/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "TSAsExpression > TSTypeReference.typeAnnotation > Identifier.typeName[name='Error']",
          message: 'use messageOf(), errCode() or asError() from core/errors.ts instead of casting to Error',
        },
        {
          selector: "TSAsExpression > TSTypeReference.typeAnnotation > TSQualifiedName.typeName[right.name='ErrnoException']",
          message: 'use errCode() from core/errors.ts instead of casting to ErrnoException',
        },
      ],
    },
  },
  {
    // Tests read the CLI's --json output and stored files as untyped JSON on purpose: asserting on it is the test.
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // `const { rm } = await import('node:fs/promises')` reads as a method reference to the rule.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
)
