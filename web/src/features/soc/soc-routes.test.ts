import { describe, expect, it } from 'vitest';
import { SOC_PATHS, socRouteOf } from './soc-routes';

describe('the console routes inside /soc', () => {
  it('reads each section and record page, trailing slashes aside', () => {
    expect(socRouteOf('/soc')).toEqual({ page: 'feed' });
    expect(socRouteOf('/soc/')).toEqual({ page: 'feed' });
    expect(socRouteOf('/soc/rules/')).toEqual({ page: 'rules' });
    expect(socRouteOf(SOC_PATHS.lists)).toEqual({ page: 'lists' });
    expect(socRouteOf('/soc/lists/')).toEqual({ page: 'lists' });
    for (const page of ['cases', 'responses', 'incidents'] as const)
      expect(socRouteOf(`/soc/${page}`)).toEqual({ page });
    expect(socRouteOf(SOC_PATHS.alert('bulk-harvesting:evt_1'))).toEqual({
      page: 'alert',
      id: 'bulk-harvesting:evt_1',
    });
    expect(socRouteOf(SOC_PATHS.case('case_01'))).toEqual({ page: 'case', id: 'case_01' });
    expect(socRouteOf(SOC_PATHS.incident('inc_01'))).toEqual({ page: 'incident', id: 'inc_01' });
  });

  it('answers not-found for anything else, malformed escapes included', () => {
    for (const path of [
      '/soc/nope',
      '/soc/rules/x',
      '/soc/lists/staff',
      '/soc/list',
      '/soc/alerts/a/b',
      '/soc/alerts/%E0%A4%A',
    ])
      expect(socRouteOf(path), path).toEqual({ page: 'not-found' });
  });
});
