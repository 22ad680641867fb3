/*
 * The console warnings and errors that upstream libraries print in the frontend tests, silenced in
 * this one place, each with why it is not ours and matched on its whole sentence, so that any other
 * warning (one of ours, or a new one of theirs) still prints and stands out. A package's
 * setupTests.ts calls silenceUpstreamConsoleNoise().
 */
import { format } from 'node:util';

interface UpstreamNoise {
  level: 'warn' | 'error';
  /** Matched against the message as the console prints it (format string applied). */
  match: RegExp;
  why: string;
}

const REACT_ROUTER_FLAGS =
  "Backstage makes the router (test-utils' MemoryRouter, the app's own) and runs React Router 6 semantics in the app (v7_relativeSplatPath: false in @backstage/frontend-app-api); flags set in our test wrappers alone would test what the app does not run";

export const UPSTREAM_CONSOLE_NOISE: readonly UpstreamNoise[] = [
  {
    level: 'warn',
    match:
      /^⚠️ React Router Future Flag Warning: React Router will begin wrapping state updates in `React\.startTransition` in v7\. /,
    why: REACT_ROUTER_FLAGS,
  },
  {
    level: 'warn',
    match:
      /^⚠️ React Router Future Flag Warning: Relative route resolution within Splat routes is changing in v7\. /,
    why: REACT_ROUTER_FLAGS,
  },
  {
    level: 'error',
    // The first component of its component stack that has a file (after host elements such as
    // `at span`) is a library's.
    match:
      /^Warning: findDOMNode is deprecated and will be removed in the next major release\.[^\n]*\n(?:\s+at [^\s(]+\n)*\s+at [^\n]*\/node_modules\//,
    why: "MUI v4 (Backstage's core components: Tooltip, Popover, transitions) finds DOM nodes with findDOMNode, which React 18.3 deprecates; matched only where the node is a library component's",
  },
  {
    level: 'error',
    match:
      /^Warning: (MTable(Actions|BodyRow|Cell|Header|Pagination|Toolbar)): Support for defaultProps will be removed from function components in a future major release\. /,
    why: "material-table (Backstage's Table) declares defaultProps on its function components",
  },
  {
    level: 'error',
    match:
      /^Warning: Connect\(Droppable\): Support for defaultProps will be removed from memo components in a future major release\. /,
    why: 'react-beautiful-dnd, which material-table drags columns with, declares defaultProps on a memo component',
  },
  {
    level: 'warn',
    match: /^Warning: \[JSS\] processedRuleToParse is not defined$/,
    why: "JSS cannot insert a rule of Backstage's theme into jsdom's style sheet in the new frontend system's test app, and its warning about it names a variable of its own",
  },
  {
    level: 'warn',
    match:
      /^The following icons were registered as IconComponent, which is deprecated\. Use IconElement instead by passing <MyIcon \/> rather than MyIcon: brokenImage, catalog, /,
    why: "@backstage/frontend-test-utils' renderTestApp registers Backstage's own default icons (brokenImage, catalog, …) as components",
  },
];

/** Drops the upstream noise above from console.warn and console.error; prints everything else. */
export function silenceUpstreamConsoleNoise() {
  for (const level of ['warn', 'error'] as const) {
    const print = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      const message = format(...args);
      if (
        UPSTREAM_CONSOLE_NOISE.some(
          noise => noise.level === level && noise.match.test(message),
        )
      )
        return;
      print(...args);
    };
  }
}
