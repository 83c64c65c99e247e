import { useMemo } from 'react';
import type { z } from 'zod';
import { useApiGet } from './useApi.ts';

/** An endpoint that returns a whole (short) array, shaped like a cursor list for <DataTable>. */
export function useArrayList<S extends z.ZodType<unknown[]>>(path: string, schema: S) {
  const res = useApiGet(path, schema);
  const items = useMemo(() => (res.data ?? []) as z.infer<S>, [res.data]);
  return {
    items,
    loading: res.loading && res.data === undefined,
    loadingMore: false,
    error: res.error,
    hasMore: false,
    loadMore: () => undefined,
    reload: res.reload,
  };
}
