// The one-page printable report of a recording: verdict, timeline picture, event table, agreement
// with an annotation, and the exact models used (ids, sha256 prefixes, training commits), so a
// printed result can be traced to the model files that produced it.
import Box from '@mui/material/Box';
import { useEffect, useState } from 'react';
import type { ModelCatalog, ModelVote, RecordingAnalysis } from '../../core/types';
import { BACKEND_LABEL, modelBackendLines } from '../analysis/backendNames';
import { agreement as computeAgreement, AGREEMENT_TEXT, type AgreementKind } from '../../analysis/agreement';
import { supportingEvents } from '../../analysis/events';
import type { LoadedRecording } from '../../core/recording';
import { EVENT_CLASSES, POOR_QUALITY } from '../../core/labels';
import { CLASS_ABBREVIATIONS } from '../../analysis/classes';
import { formatDuration, formatRate } from '../format';
import { modelLabel } from '../analysis/modelNames';
import { drawTimelinePicture } from './timelinePicture';
import { COLORS } from '../theme';

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * "Ran on WASM (WebGPU is not available in this browser): Detector, ResNet-18, VGG-16." — each model
 * named once, grouped by backend and reason, so the report stays one page. An analysis saved
 * without per-model backends gives its one backend.
 */
function ranOnText(analysis: RecordingAnalysis, catalog?: ModelCatalog): string {
  if (!analysis.modelBackends) return `Ran on ${BACKEND_LABEL[analysis.backend]}.`;
  const groups = new Map<string, string[]>();
  for (const l of modelBackendLines(analysis.modelBackends, catalog)) {
    const head = `${BACKEND_LABEL[l.backend]}${l.reason ? ` (${l.reason})` : ''}`;
    groups.set(head, [...(groups.get(head) ?? []), l.name]);
  }
  return [...groups].map(([head, names]) => `Ran on ${head}: ${names.join(', ')}.`).join(' ');
}

export interface ReportViewProps {
  recording: LoadedRecording;
  catalog?: ModelCatalog;
  /** Called once the picture is drawn (the caller then opens the print dialog). */
  onReady: () => void;
}

/**
 * The votes column: "all agree" when every model voted the event's class, else each model's vote. On an
 * A4 page three "Model: class" votes wrap every row to two or three lines, and it is the disagreements
 * a reader needs to see.
 */
function votesText(label: string, votes: readonly ModelVote[], catalog?: ModelCatalog): string {
  if (votes.length > 1 && votes.every((v) => v.label === label)) return 'all agree';
  return votes.map((v) => `${modelLabel(v.modelId, catalog)}: ${v.label}`).join(' · ');
}

/** A commit as the report prints it: 12 hex digits (like the sha256 prefixes), and whether the tree was dirty. */
function shortCommit(commit: string): string {
  return commit.endsWith('-dirty') ? `${commit.slice(0, 12)} (dirty)` : commit.slice(0, 12);
}

export function ReportView({ recording, catalog, onReady }: ReportViewProps) {
  const [picture, setPicture] = useState<string>();
  const analysis = recording.analysis;
  const events = recording.events;
  const ref = recording.reference;

  useEffect(() => {
    const c = document.createElement('canvas');
    drawTimelinePicture(c, { peaks: recording.prepared.peaks, durationS: recording.durationS, events, reference: ref?.events });
    setPicture(c.toDataURL('image/png'));
  }, [recording.prepared.peaks, recording.durationS, events, ref]);

  useEffect(() => {
    if (picture) onReady();
  }, [picture, onReady]);

  const verdict = analysis?.verdict;
  const support = verdict ? supportingEvents(verdict.label, events) : [];
  const agree = ref && analysis ? computeAgreement(ref.events, events) : undefined;
  const used = new Set<string>([...(analysis?.eventModels ?? []), ...(analysis?.detectorId ? [analysis.detectorId] : [])]);
  const models = (catalog?.models ?? []).filter((m) => used.has(m.id));
  const th = { textAlign: 'left', borderBottom: `1px solid ${COLORS.printRule}`, padding: '1px 4px', fontWeight: 700 } as const;
  const td = { borderBottom: `1px solid ${COLORS.printRuleLight}`, padding: '1px 4px', fontVariantNumeric: 'tabular-nums' } as const;
  return (
    <Box className="print-only" data-testid="report" sx={{ font: '11px/1.35 system-ui, sans-serif', color: COLORS.black, p: 0 }}>
      <Box sx={{ display: 'flex', justifyContent: 'space-between', borderBottom: `2px solid ${COLORS.primary}`, pb: '4px', mb: '6px' }}>
        <Box>
          <Box sx={{ fontSize: 18, fontWeight: 800 }}>Auscult — lung sound report</Box>
          <Box>
            <b>{recording.name}</b> · {recording.format} · {formatRate(recording.nativeRate)} · {formatDuration(recording.durationS)}
          </Box>
        </Box>
        <Box sx={{ textAlign: 'right' }}>
          Printed {new Date().toLocaleString()}
          <br />
          Analysed {analysis ? new Date(analysis.analysedAt).toLocaleString() : '—'}
        </Box>
      </Box>

      <Box sx={{ display: 'flex', gap: '16px', alignItems: 'baseline', mb: '6px' }}>
        <Box sx={{ fontSize: 16 }}>
          Record verdict: <b data-testid="report-verdict">{verdict?.label ?? '—'}</b>
          {verdict ? ` (confidence ${pct(verdict.confidence)})` : ''}
          {verdict?.adventitiousProbability !== undefined ? `; P(adventitious) ${pct(verdict.adventitiousProbability)}` : ''}
        </Box>
        {ref?.recordLabel && <Box>Annotation: {ref.recordLabel}</Box>}
        {recording.edited && <Box>Events edited by the clinician.</Box>}
      </Box>
      {verdict && (
        <Box sx={{ mb: '6px' }}>
          {verdict.label === POOR_QUALITY
            ? 'The recording is too noisy or faint to judge.'
            : support.length
              ? `Supporting events: ${support.map((e) => `${e.label} ${e.start.toFixed(1)}–${e.end.toFixed(1)} s`).join('; ')}.`
              : 'No supporting events on the timeline.'}
        </Box>
      )}

      {picture && <img src={picture} alt="Timeline of the recording with its events" style={{ width: '100%', border: `1px solid ${COLORS.printRule}` }} data-testid="report-picture" />}

      <table style={{ width: '100%', borderCollapse: 'collapse', marginTop: 6 }} data-testid="report-events">
        <thead>
          <tr>
            {['#', 'Start', 'End', 'Length', 'Class', 'Conf.'].map((h) => (
              <th key={h} style={th}>
                {h}
              </th>
            ))}
            {EVENT_CLASSES.map((c) => (
              <th key={c.name} style={{ ...th, textAlign: 'right' }}>
                {CLASS_ABBREVIATIONS[c.name]}
              </th>
            ))}
            <th style={th}>Votes</th>
            {agree && <th style={th}>Annotation</th>}
          </tr>
        </thead>
        <tbody>
          {events.map((e, i) => (
            <tr key={e.id}>
              <td style={td}>{i + 1}</td>
              <td style={td}>{e.start.toFixed(2)}</td>
              <td style={td}>{e.end.toFixed(2)}</td>
              <td style={td}>{(e.end - e.start).toFixed(2)}</td>
              <td style={{ ...td, fontWeight: 700 }}>
                {e.label}
                {e.labelByClinician ? ' (clinician)' : e.edited ? ' ✎' : ''}
                {e.ownLabel && !e.labelByClinician ? ` (record; alone ${CLASS_ABBREVIATIONS[e.ownLabel] ?? e.ownLabel})` : ''}
              </td>
              <td style={td}>{e.labelByClinician ? 'set' : e.probs ? pct(e.confidence) : '—'}</td>
              {EVENT_CLASSES.map((_, k) => (
                <td key={k} style={{ ...td, textAlign: 'right' }}>
                  {e.probs ? pct(e.probs[k]) : ''}
                </td>
              ))}
              <td style={td}>{votesText(e.label, e.votes ?? [], catalog)}</td>
              {agree && <td style={td}>{AGREEMENT_TEXT[agree.predicted[i]?.kind ?? 'extra'].mark}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      <Box sx={{ mt: '2px', color: COLORS.printSecondary }}>
        Probabilities: {EVENT_CLASSES.map((c) => `${CLASS_ABBREVIATIONS[c.name]} = ${c.name}`).join(', ')}. Votes: “all agree” = every model gave the event’s class.
        {events.some((e) => e.ownLabel && !e.labelByClinician) && ' “record” = typed with the record verdict: the event model’s probabilities weighed by what the verdict heard over the whole recording; “alone” = the event model’s own class.'}
        {agree &&
          ` Annotation: ${(Object.keys(agree.counts) as AgreementKind[])
            .filter((k) => agree.counts[k])
            .map((k) => `${AGREEMENT_TEXT[k].mark} ${agree.counts[k]} ${AGREEMENT_TEXT[k].text}`)
            .join('; ')}.`}
      </Box>

      <Box sx={{ mt: '8px', borderTop: `1px solid ${COLORS.printRule}`, pt: '4px' }} data-testid="report-models">
        <b>Models</b> (event classifier: {analysis ? modelLabel(analysis.eventModel, catalog) : '—'}
        {analysis ? `; ${(analysis.elapsedMs / 1000).toFixed(1)} s` : ''}):
        <table style={{ width: '100%', borderCollapse: 'collapse' }}>
          <thead>
            <tr>
              {['Model', 'Task', 'Architecture', 'sha256', 'Training commit'].map((h) => (
                <th key={h} style={th}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <tr key={m.id} data-model-id={m.id}>
                <td style={td}>{m.id}</td>
                <td style={td}>{m.task}</td>
                <td style={td}>{m.architecture ?? ''}</td>
                <td style={{ ...td, fontFamily: 'monospace' }}>{m.sha256.slice(0, 12)}</td>
                <td style={{ ...td, fontFamily: 'monospace' }}>{m.commit ? shortCommit(m.commit) : 'unknown'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Box>
      <Box sx={{ mt: '6px', color: COLORS.printSecondary }}>
        {analysis && <span data-testid="report-backends">{ranOnText(analysis, catalog)} </span>}
        Generated offline by Auscult on this device; the recording never left it. Decision support only — interpret with the clinical findings.
      </Box>
    </Box>
  );
}
