import { Fragment } from 'react';

/**
 * File names like `41012107_7.9_0_p4_708.wav` have no spaces; allow line breaks after `_`, `-`
 * and `.` so they wrap between fields instead of mid-number (or overflow).
 */
export function BreakableName({ name }: { name: string }) {
  const parts = name.split(/(?<=[_\-])/);
  return (
    <span style={{ overflowWrap: 'anywhere' }}>
      {parts.map((p, i) => (
        <Fragment key={i}>
          {p}
          {i < parts.length - 1 && <wbr />}
        </Fragment>
      ))}
    </span>
  );
}
