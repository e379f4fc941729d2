import { api } from './api.ts';
import { useLoad } from './hooks.ts';
import type { Department } from './types.ts';

/** The departments list, used by many forms and filters. */
export function useDepartments() {
  const r = useLoad((signal) => api.get<Department[]>('/api/departments', undefined, { signal }), []);
  const list = r.data ?? [];
  const nameOf = (id: number | null | undefined) => (id === null || id === undefined ? '' : (list.find((d) => d.id === id)?.name ?? `#${id}`));
  const options = list.map((d) => ({ value: d.id, label: d.name }));
  return { list, nameOf, options, reload: r.reload, loading: r.loading };
}
