// The model choice (ResNet-18, VGG-16 or both), remembered on this device, the backend setting
// (Automatic by measurement, WebGPU or WASM), and where each model actually runs (with the reason
// for any model on WASM). The worker's measurement is cached in this browser once made.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { BackendSetting, InferenceStatus, ModelCatalog } from '../../core/types';
import { eventChoiceFor } from '../../inference/catalog';
import { storeBackendSetting, storedBackendSetting, storedEventChoice, storedMeasurement, storeEventChoice, storeMeasurement } from './backendSettings';
import { configureInference, fetchBackendMeasurement, fetchCatalog, fetchInferenceStatus, warmUpModels } from './jobs';

export interface ModelsState {
  catalog?: ModelCatalog;
  error?: string;
  choice: string;
  setChoice: (id: string) => void;
  status?: InferenceStatus;
  refreshStatus: () => void;
  backendSetting: BackendSetting;
  /** Persists the setting; the next analysis runs on it. */
  setBackendSetting: (s: BackendSetting) => void;
  /** The choice to analyse with, once the catalog is known. */
  resolveChoice: () => Promise<string>;
  /** The first analysis's models are open (or failed to open): the worker no longer competes for the CPU. */
  warm: boolean;
}

export function useModels(): ModelsState {
  const [catalog, setCatalog] = useState<ModelCatalog>();
  const [error, setError] = useState<string>();
  const [choice, setChoiceState] = useState<string>('');
  const [status, setStatus] = useState<InferenceStatus>();
  const [warm, setWarm] = useState(false);
  const [backendSetting, setBackendSettingState] = useState<BackendSetting>(storedBackendSetting);
  const choiceRef = useRef('');
  const ready = useRef<{ promise: Promise<ModelCatalog>; resolve: (c: ModelCatalog) => void; reject: (e: unknown) => void } | undefined>(undefined);
  if (!ready.current) {
    let resolve!: (c: ModelCatalog) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<ModelCatalog>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined);
    ready.current = { promise, resolve, reject };
  }

  useEffect(() => {
    let cancelled = false;
    // The stored backend setting and model choice reached the worker before this code loaded
    // (main.tsx): the worker is already opening the models this choice needs.
    fetchCatalog()
      .then((c) => {
        if (cancelled) return;
        const pick = eventChoiceFor(c, storedEventChoice());
        choiceRef.current = pick;
        setChoiceState(pick);
        setCatalog(c);
        ready.current?.resolve(c);
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        const message = e instanceof Error ? e.message : String(e);
        setError(message);
        ready.current?.reject(new Error(message));
      });
    // The warm-up main.tsx started (the worker runs it once; this call waits for it).
    void warmUpModels(storedEventChoice())
      .catch(() => undefined)
      .finally(() => !cancelled && setWarm(true));
    return () => {
      cancelled = true;
    };
  }, []);

  const setChoice = useCallback((id: string) => {
    choiceRef.current = id;
    setChoiceState(id);
    storeEventChoice(id);
  }, []);

  const refreshStatus = useCallback(() => {
    fetchInferenceStatus()
      .then((s) => {
        setStatus(s);
        // The worker measures both backends after this analysis: cache the result, then show it.
        if (s.choice?.how !== 'pending') return;
        return fetchBackendMeasurement().then((m) => {
          if (m) storeMeasurement(m);
          return fetchInferenceStatus().then(setStatus);
        });
      })
      .catch(() => undefined);
  }, []);

  const setBackendSetting = useCallback(
    (s: BackendSetting) => {
      setBackendSettingState(s);
      storeBackendSetting(s);
      void configureInference(s, storedMeasurement())
        .then(refreshStatus)
        .catch(() => undefined);
    },
    [refreshStatus],
  );

  const resolveChoice = useCallback(async () => {
    await ready.current!.promise;
    return choiceRef.current;
  }, []);

  return useMemo(
    () => ({ catalog, error, choice, setChoice, status, refreshStatus, backendSetting, setBackendSetting, resolveChoice, warm }),
    [catalog, error, choice, setChoice, status, refreshStatus, backendSetting, setBackendSetting, resolveChoice, warm],
  );
}
