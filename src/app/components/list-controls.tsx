import { useId, useMemo } from 'react';
import type { ReferenceStatus } from '../../shared/schema';
import { useLocation, useRouter } from '../hooks/use-router';
import type { ListFilter, StatusCounts } from '../records';

const STATUSES: readonly ReferenceStatus[] = ['pending', 'completed', 'declined'];

/** The list's filter, kept in the address (`?show=completed&q=ada`) so a filtered view is a link too. */
export function useListFilter(): [ListFilter, (next: ListFilter) => void] {
  const router = useRouter();
  const { pathname, search } = useLocation();
  const filter = useMemo<ListFilter>(() => {
    const params = new URLSearchParams(search);
    const show = params.get('show');
    return { status: STATUSES.find((s) => s === show) ?? null, search: params.get('q') ?? '' };
  }, [search]);
  const set = (next: ListFilter) => {
    const params = new URLSearchParams();
    if (next.status) params.set('show', next.status);
    if (next.search) params.set('q', next.search);
    const query = params.toString();
    router.navigate(`${pathname}${query ? `?${query}` : ''}`, { replace: true });
  };
  return [filter, set];
}

interface Props {
  filter: ListFilter;
  onChange(next: ListFilter): void;
  counts: StatusCounts | undefined;
  /** The words for each status in this list ("Waiting for an answer", "Waiting for you"). */
  labels: Record<ReferenceStatus, string>;
  searchLabel: string;
}

/** Find a reference by name or email, and narrow the list to one status. */
export function ListControls({ filter, onChange, counts, labels, searchLabel }: Props) {
  const searchId = useId();
  const name = useId();
  const options: Array<{ value: ReferenceStatus | null; label: string; count: number | undefined }> = [
    { value: null, label: 'All', count: counts?.total },
    ...STATUSES.map((status) => ({ value: status, label: labels[status], count: counts?.[status] })),
  ];
  return (
    <div className="list-controls">
      <div className="list-controls__search">
        <label htmlFor={searchId}>{searchLabel}</label>
        <input
          id={searchId}
          type="search"
          value={filter.search}
          autoComplete="off"
          onChange={(event) => onChange({ ...filter, search: event.target.value })}
        />
      </div>
      <fieldset className="segmented">
        <legend>Show</legend>
        {options.map((option) => (
          <label key={option.value ?? 'all'} className={`segmented__option${filter.status === option.value ? ' segmented__option--on' : ''}`}>
            <input
              type="radio"
              name={name}
              checked={filter.status === option.value}
              onChange={() => onChange({ ...filter, status: option.value })}
            />
            {option.label}
            {option.count !== undefined ? <span className="segmented__count"> ({option.count})</span> : null}
          </label>
        ))}
      </fieldset>
    </div>
  );
}
