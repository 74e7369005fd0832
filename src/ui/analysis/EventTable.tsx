// The events as a table, in step with the timeline: hovering a row outlines its region, clicking
// selects it (and ↑/↓ step and play), every class's probability and each model's vote are shown,
// and each row can be played, relabelled, classified again or deleted.
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { memo, useEffect, useRef, useState } from 'react';
import type { AnalysedEvent, ModelCatalog } from '../../core/types';
import { AGREEMENT_TEXT, type Agreement } from '../../analysis/agreement';
import { CLASS_ABBREVIATIONS } from '../../analysis/classes';
import { EVENT_CLASSES, eventColor } from '../../core/labels';
import { PlayIcon } from '../icons';
import { modelLabel } from './modelNames';
import { COLORS, withAlpha } from '../theme';

export interface EventTableProps {
  events: readonly AnalysedEvent[];
  selectedId?: string;
  hoveredId?: string;
  agreement?: Agreement;
  catalog?: ModelCatalog;
  onSelect: (id: string) => void;
  onHover: (id: string | undefined) => void;
  onPlay: (id: string) => void;
  onRelabel: (id: string, label: string) => void;
  onReclassify: (id: string) => void;
  onDelete: (id: string) => void;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const cellSx = { px: 0.75, py: 0.4, whiteSpace: 'nowrap', fontSize: '0.85rem' } as const;

function ClassCell({ ev, onRelabel, onReclassify, onDelete }: { ev: AnalysedEvent; onRelabel: (label: string) => void; onReclassify: () => void; onDelete: () => void }) {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  return (
    <>
      <Tooltip title="Change the class, classify again, or delete">
        <Box
          component="button"
          type="button"
          aria-haspopup="menu"
          aria-label={`Class ${ev.label}; change`}
          data-testid="relabel"
          onClick={(e) => {
            e.stopPropagation();
            setAnchor(e.currentTarget);
          }}
          sx={{
            font: 'inherit',
            fontWeight: 700,
            cursor: 'pointer',
            border: `1px solid ${COLORS.border}`,
            borderLeft: `6px solid ${eventColor(ev.label)}`,
            borderRadius: 1,
            bgcolor: 'background.paper',
            px: 0.75,
            py: 0.1,
            whiteSpace: 'nowrap',
          }}
        >
          {ev.label} ▾
        </Box>
      </Tooltip>
      <Menu anchorEl={anchor} open={Boolean(anchor)} onClose={() => setAnchor(null)} onClick={(e) => e.stopPropagation()}>
        {EVENT_CLASSES.map((c) => (
          <MenuItem
            key={c.name}
            selected={c.name === ev.label}
            onClick={() => {
              setAnchor(null);
              onRelabel(c.name);
            }}
          >
            <ListItemIcon>
              <Box sx={{ width: 14, height: 14, borderRadius: 0.5, bgcolor: c.color }} />
            </ListItemIcon>
            {c.name}
          </MenuItem>
        ))}
        <MenuItem
          divider={false}
          onClick={() => {
            setAnchor(null);
            onReclassify();
          }}
          sx={{ borderTop: `1px solid ${COLORS.divider}`, fontWeight: 600 }}
        >
          Classify again with the model
        </MenuItem>
        <MenuItem
          onClick={() => {
            setAnchor(null);
            onDelete();
          }}
          sx={{ color: 'secondary.main', fontWeight: 600 }}
        >
          Delete this event (Delete key)
        </MenuItem>
      </Menu>
    </>
  );
}

/**
 * Rows rendered at a time: a long recording has hundreds of events (762 in 60 minutes), and a full
 * table of them would cost the page hundreds of MB and seconds per render. The page follows the
 * selected event, so ↑/↓ and clicks on the timeline keep working across pages.
 */
const PAGE_ROWS = 100;

export const EventTable = memo(function EventTable(p: EventTableProps) {
  const body = useRef<HTMLTableSectionElement>(null);
  const [page, setPage] = useState(0);
  const selectedIndex = p.selectedId ? p.events.findIndex((e) => e.id === p.selectedId) : -1;
  useEffect(() => {
    if (selectedIndex >= 0) setPage(Math.floor(selectedIndex / PAGE_ROWS));
  }, [selectedIndex]);
  const pages = Math.max(1, Math.ceil(p.events.length / PAGE_ROWS));
  const current = Math.min(page, pages - 1);
  const first = current * PAGE_ROWS;
  // Stepping with ↑/↓ keeps the selected row in view.
  useEffect(() => {
    if (!p.selectedId) return;
    body.current?.querySelector(`[data-event-id="${CSS.escape(p.selectedId)}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [p.selectedId, current]);

  if (!p.events.length) {
    return (
      <Typography variant="body2" color="text.secondary" sx={{ px: 2, py: 1.5 }} data-testid="event-table-empty">
        No events on this recording. Press A to add one at the playback cursor.
      </Typography>
    );
  }
  const voters = [...new Set(p.events.flatMap((e) => (e.votes ?? []).map((v) => v.modelId)))];
  return (
    <>
      <TableContainer sx={{ maxHeight: 420, overflow: 'auto' }}>
        <Table size="small" stickyHeader aria-label="Events" data-testid="event-table">
          <TableHead>
            <TableRow>
              <TableCell sx={cellSx}>#</TableCell>
              <TableCell sx={cellSx}>Time (s)</TableCell>
              <TableCell sx={cellSx}>Class · confidence</TableCell>
              {EVENT_CLASSES.map((c) => (
                <TableCell key={c.name} sx={{ ...cellSx, textAlign: 'right', px: 0.5 }} title={`Probability of ${c.name}`}>
                  <Box component="span" sx={{ borderBottom: `3px solid ${c.color}` }}>
                    {CLASS_ABBREVIATIONS[c.name] ?? c.name}
                  </Box>
                </TableCell>
              ))}
              {voters.length > 0 && (
                <TableCell sx={cellSx} title={voters.join(', ')}>
                  Model votes
                </TableCell>
              )}
              {p.agreement && (
                <TableCell sx={cellSx} title="Agreement with the annotation: ✓ same time and class, ≈ same time, other class, + not annotated">
                  Ann.
                </TableCell>
              )}
            </TableRow>
          </TableHead>
          <TableBody ref={body}>
            {p.events.slice(first, first + PAGE_ROWS).map((ev, k) => {
              const i = first + k;
              const selected = ev.id === p.selectedId;
              const kind = p.agreement?.predicted[i]?.kind;
              const votes = new Map((ev.votes ?? []).map((v) => [v.modelId, v]));
              return (
                <TableRow
                  key={ev.id}
                  hover
                  selected={selected}
                  aria-selected={selected}
                  data-testid="event-row"
                  data-event-id={ev.id}
                  data-start={ev.start.toFixed(3)}
                  data-end={ev.end.toFixed(3)}
                  data-label={ev.label}
                  data-probs={ev.probs ? JSON.stringify(ev.probs) : undefined}
                  data-hovered={ev.id === p.hoveredId || undefined}
                  onClick={() => p.onSelect(ev.id)}
                  onMouseEnter={() => p.onHover(ev.id)}
                  onMouseLeave={() => p.onHover(undefined)}
                  sx={{
                    cursor: 'pointer',
                    '&.Mui-selected, &.Mui-selected:hover': { bgcolor: withAlpha(COLORS.accent, 0.1) },
                    outline: ev.id === p.hoveredId && !selected ? `2px dashed ${COLORS.primary}` : undefined,
                    outlineOffset: -2,
                  }}
                >
                  <TableCell sx={{ ...cellSx, pl: 0.25 }}>
                    <Tooltip title="Play this event (Enter)">
                      <IconButton
                        size="small"
                        aria-label={`Play event ${i + 1}`}
                        onClick={(e) => {
                          e.stopPropagation();
                          p.onPlay(ev.id);
                        }}
                        sx={{ p: 0.25 }}
                      >
                        <PlayIcon fontSize="small" />
                      </IconButton>
                    </Tooltip>
                    {i + 1}
                  </TableCell>
                  <TableCell sx={{ ...cellSx, fontVariantNumeric: 'tabular-nums' }} data-testid="event-time">
                    {ev.start.toFixed(2)}–{ev.end.toFixed(2)}
                    <Box component="span" sx={{ display: 'block', color: 'text.secondary', fontSize: '0.75rem' }}>
                      {(ev.end - ev.start).toFixed(2)} s long
                    </Box>
                  </TableCell>
                  <TableCell sx={cellSx}>
                    <ClassCell ev={ev} onRelabel={(l) => p.onRelabel(ev.id, l)} onReclassify={() => p.onReclassify(ev.id)} onDelete={() => p.onDelete(ev.id)} />
                    <Box component="span" sx={{ display: 'block', fontSize: '0.75rem', color: 'text.secondary' }} data-testid="event-confidence">
                      {ev.labelByClinician ? 'set by you' : ev.probs ? `${pct(ev.confidence)}${ev.edited ? ' · edited ✎' : ''}` : 'classifying…'}
                    </Box>
                    {ev.ownLabel && !ev.labelByClinician && (
                      <Tooltip title={`The event model alone says ${ev.ownLabel}; the class shown weighs its probabilities by what the record verdict heard over the whole recording, and never names a family the verdict rules out.`}>
                        <Box component="span" sx={{ display: 'block', fontSize: '0.75rem', color: 'text.secondary' }} data-testid="event-own-label" data-own-label={ev.ownLabel}>
                          with the record · alone: {ev.ownLabel}
                        </Box>
                      </Tooltip>
                    )}
                  </TableCell>
                  {EVENT_CLASSES.map((c, k) => {
                    const v = ev.probs?.[k];
                    return (
                      <TableCell
                        key={c.name}
                        data-testid="event-prob"
                        sx={{
                          ...cellSx,
                          px: 0.5,
                          textAlign: 'right',
                          fontVariantNumeric: 'tabular-nums',
                          fontWeight: c.name === ev.label ? 700 : 400,
                          color: v !== undefined && v < 0.05 ? 'text.secondary' : 'text.primary',
                          // A faint bar behind the number: the distribution at a glance.
                          background: v !== undefined ? `linear-gradient(to top, ${c.color}55 ${Math.round(v * 100)}%, transparent ${Math.round(v * 100)}%)` : undefined,
                        }}
                      >
                        {v !== undefined ? Math.round(v * 100) : '—'}
                      </TableCell>
                    );
                  })}
                  {voters.length > 0 && (
                    <TableCell sx={{ ...cellSx, fontSize: '0.78rem', lineHeight: 1.35 }} data-testid="votes">
                      {voters.map((m) => {
                        const v = votes.get(m);
                        return (
                          <Box key={m} data-testid="vote" data-model={m} data-vote={v?.label ?? ''} data-probs={v ? JSON.stringify(v.probs) : undefined}>
                            <Box component="span" sx={{ display: 'inline-block', width: 8, height: 8, borderRadius: '50%', bgcolor: v ? eventColor(v.label) : COLORS.muted, mr: 0.5 }} />
                            {modelLabel(m, p.catalog)}: {v ? `${v.label}${m.endsWith('(detector)') ? '' : ` ${pct(v.confidence)}`}` : '—'}
                          </Box>
                        );
                      })}
                    </TableCell>
                  )}
                  {p.agreement && (
                    <TableCell sx={cellSx} title={kind ? AGREEMENT_TEXT[kind].text : undefined} data-testid="event-agreement" data-agreement={kind}>
                      <Box component="span" sx={{ fontWeight: 700, fontSize: '1rem' }}>
                        {kind ? AGREEMENT_TEXT[kind].mark : ''}
                      </Box>
                    </TableCell>
                  )}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </TableContainer>
      {pages > 1 && (
        <TablePagination
          component="div"
          count={p.events.length}
          page={current}
          rowsPerPage={PAGE_ROWS}
          rowsPerPageOptions={[]}
          onPageChange={(_, next: number) => setPage(next)}
          data-testid="event-pages"
        />
      )}
    </>
  );
});
