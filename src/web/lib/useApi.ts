import { useCallback, useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import { api, ApiError, toApiError, type Query } from '../api.ts';

export interface Loaded<T> {
  data: T | undefined;
  loading: boolean;
  error: ApiError | null;
  reload: () => void;
  setData: (data: T) => void;
}

/** GETs one resource; reloads when the path or query changes. */
export function useApiGet<S extends z.ZodType>(path: string | null, schema: S, query?: Query): Loaded<z.infer<S>> {
  const [data, setData] = useState<z.infer<S> | undefined>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);
  const queryKey = JSON.stringify(query ?? {});
  const schemaRef = useRef(schema);

  useEffect(() => {
    if (path === null) return;
    let cancelled = false;
    setLoading(true);
    setError(null);
    api
      .get(path, schemaRef.current, JSON.parse(queryKey) as Query)
      .then((d) => !cancelled && setData(d))
      .catch((e: unknown) => !cancelled && setError(toApiError(e)))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [path, queryKey, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, loading, error, reload, setData };
}

export interface CursorList<T> {
  items: T[];
  /** the first page is loading */
  loading: boolean;
  loadingMore: boolean;
  error: ApiError | null;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
  /** replaces one row in place (after an edit) without reloading the list */
  replace: (match: (item: T) => boolean, next: T) => void;
}

interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

/** A cursor-paginated list (`{items, nextCursor}`): first page on mount and whenever the filters change, then "load more". */
export function useCursorList<T>(path: string, schema: z.ZodType<PageOf<T>>, filters: Query = {}, pageSize = 50): CursorList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);
  const filterKey = JSON.stringify(filters);
  const generation = useRef(0);
  const schemaRef = useRef(schema);

  useEffect(() => {
    const gen = ++generation.current;
    setLoading(true);
    setError(null);
    api
      .get(path, schemaRef.current, { ...(JSON.parse(filterKey) as Query), limit: pageSize })
      .then((page) => {
        if (gen !== generation.current) return;
        setItems(page.items);
        setCursor(page.nextCursor);
      })
      .catch((e: unknown) => {
        if (gen !== generation.current) return;
        setItems([]);
        setCursor(null);
        setError(toApiError(e));
      })
      .finally(() => gen === generation.current && setLoading(false));
  }, [path, filterKey, pageSize, tick]);

  const loadMore = useCallback(() => {
    if (!cursor || loadingMore) return;
    const gen = generation.current;
    setLoadingMore(true);
    api
      .get(path, schemaRef.current, { ...(JSON.parse(filterKey) as Query), limit: pageSize, cursor })
      .then((page) => {
        if (gen !== generation.current) return;
        setItems((prev) => [...prev, ...page.items]);
        setCursor(page.nextCursor);
      })
      .catch((e: unknown) => gen === generation.current && setError(toApiError(e)))
      .finally(() => setLoadingMore(false));
  }, [cursor, loadingMore, path, filterKey, pageSize]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  const replace = useCallback((match: (item: T) => boolean, next: T) => setItems((prev) => prev.map((it) => (match(it) ? next : it))), []);

  return { items, loading, loadingMore, error, hasMore: cursor !== null, loadMore, reload, replace };
}
