// Open311 rendering alone: every document in XML (read back with a real parser, compared with
// the spec's example documents element by element) and in JSON (the Spark convention).
import { CONTENT_TYPES, errorsDocument, Open311Error, parseFormat, renderJson, renderXml, splitFormat, type Open311Document } from '../../api/open311/format';
import { serviceDefinitionView, serviceView } from '../../api/open311/views';
import {
  FMS_UPDATES_XML,
  SPEC_DISCOVERY_XML,
  SPEC_ERRORS_XML,
  SPEC_POST_RESPONSE_XML,
  SPEC_REQUEST_FIELDS,
  SPEC_REQUESTS_XML,
  SPEC_SERVICE_DEFINITION_XML,
  SPEC_SERVICES_XML,
} from './fixtures/open311SpecExamples';
import { elementPaths, parseOpen311Xml } from './fixtures/open311Xml';

const both = (doc: Open311Document) => ({ xml: renderXml(doc), json: JSON.parse(renderJson(doc)) as unknown });

const request = Object.fromEntries(SPEC_REQUEST_FIELDS.map((f) => [f, f === 'lat' ? 26.08 : f === 'long' ? 119.29 : `${f} value`]));

describe('the spec examples themselves', () => {
  it('are read by the test parser', () => {
    for (const xml of [SPEC_SERVICES_XML, SPEC_SERVICE_DEFINITION_XML, SPEC_POST_RESPONSE_XML, SPEC_REQUESTS_XML, SPEC_ERRORS_XML, SPEC_DISCOVERY_XML, FMS_UPDATES_XML]) {
      expect(() => parseOpen311Xml(xml)).not.toThrow();
    }
  });
});

describe('renderXml has the element structure of the spec examples', () => {
  it('services', () => {
    const doc = { root: 'services', body: [{ service_code: '001', service_name: 'n', description: 'd', metadata: true, type: 'realtime', keywords: 'a,b', group: 'g' }] };
    expect(elementPaths(renderXml(doc))).toEqual(elementPaths(SPEC_SERVICES_XML));
  });

  it('service definition (list values under values/value)', () => {
    const attributes = [{
      code: 'WHISHETN', datatype: 'singlevaluelist' as const, required: true, variable: true, description: 'What?',
      values: [{ key: '123', name: 'Ford' }, { key: '124', name: 'Chrysler' }],
    }];
    const doc = { root: 'service_definition', body: serviceDefinitionView('DMV66', attributes) };
    expect(elementPaths(renderXml(doc))).toEqual(elementPaths(SPEC_SERVICE_DEFINITION_XML));
    const { doc: parsed } = parseOpen311Xml(renderXml(doc));
    expect(parsed.attributes.attribute[0].values.value.map((v: { key: string }) => v.key)).toEqual(['123', '124']);
  });

  it('POST response, with an empty account_id', () => {
    const doc = { root: 'service_requests', body: [{ service_request_id: 'GL-20261122-000001', service_notice: 'within 3 working days', account_id: null }] };
    const xml = renderXml(doc);
    expect(elementPaths(xml)).toEqual(elementPaths(SPEC_POST_RESPONSE_XML));
    expect(parseOpen311Xml(xml).doc.request[0].account_id).toBe('');
  });

  it('service requests, every field in the spec order', () => {
    const xml = renderXml({ root: 'service_requests', body: [request, request] });
    expect(elementPaths(xml)).toEqual(elementPaths(SPEC_REQUESTS_XML));
    const items = parseOpen311Xml(xml).doc.request;
    expect(items).toHaveLength(2);
    expect(Object.keys(items[0])).toEqual([...SPEC_REQUEST_FIELDS]);
  });

  it('errors', () => {
    const xml = renderXml(errorsDocument([{ code: 403, description: 'Invalid api_key received' }]));
    expect(elementPaths(xml)).toEqual(elementPaths(SPEC_ERRORS_XML));
  });

  it('discovery, formats as repeated format elements', () => {
    const doc = {
      root: 'discovery',
      body: {
        changeset: '2026-11-22T10:00:00+08:00', contact: 'c', key_service: 'k',
        endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: 'http://x/open311/v2', changeset: 'c', type: 'test', formats: ['text/xml', 'application/json'] }],
      },
    };
    const xml = renderXml(doc);
    expect(elementPaths(xml)).toEqual(elementPaths(SPEC_DISCOVERY_XML));
    expect(parseOpen311Xml(xml).doc.endpoints.endpoint[0].formats.format).toEqual(['text/xml', 'application/json']);
  });

  it('service request updates as FixMyStreet reads them (request_update items)', () => {
    const doc = { root: 'service_request_updates', body: [{ update_id: 'GL-1-2', service_request_id: 'GL-1', status: 'open', updated_datetime: '2026-11-22T10:00:00+08:00', description: 'd', media_url: '' }] };
    expect(elementPaths(renderXml(doc))).toEqual(elementPaths(FMS_UPDATES_XML));
  });
});

describe('renderXml text', () => {
  it('starts with the UTF-8 declaration and keeps Chinese text as is', () => {
    const xml = renderXml({ root: 'services', body: [{ service_code: 'CG-001', service_name: '违章停车' }] });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml).toContain('<service_name>违章停车</service_name>');
  });

  it('escapes markup and drops characters XML 1.0 forbids', () => {
    const xml = renderXml({ root: 'service_requests', body: [{ description: 'a & b <c> "d"\u0001 e\nline 2' }] });
    expect(parseOpen311Xml(xml).doc.request[0].description).toBe('a & b <c> "d" e\nline 2');
  });

  it('an empty list is an empty root element; booleans and numbers are text', () => {
    expect(parseOpen311Xml(renderXml({ root: 'service_requests', body: [] })).doc).toBe('');
    const { doc } = parseOpen311Xml(renderXml({ root: 'services', body: [{ metadata: false, lat: 26.5 }] }));
    expect(doc.service[0]).toEqual({ metadata: 'false', lat: '26.5' });
  });
});

describe('renderJson (Spark convention)', () => {
  it('drops the root: lists are arrays, objects stay objects, empties are null', () => {
    const list = both({ root: 'service_requests', body: [{ service_request_id: 'X', account_id: null }] });
    expect(list.json).toEqual([{ service_request_id: 'X', account_id: null }]);
    const def = both({ root: 'service_definition', body: serviceDefinitionView('A', []) });
    expect(def.json).toEqual({ service_code: 'A', attributes: [] });
    const errors = both(errorsDocument([{ code: 404, description: 'nope' }]));
    expect(errors.json).toEqual([{ code: 404, description: 'nope' }]);
  });

  it('keeps types: metadata is a boolean, lat/long are numbers', () => {
    const s = serviceView({ code: 'JT-001', name: 'n', description: 'd', group: 'g', keywords: ['a', 'b'], completionDays: 1, urgent: false, windowOverrides: {} }, []);
    expect(JSON.parse(renderJson({ root: 'services', body: [s] }))).toEqual([
      { service_code: 'JT-001', service_name: 'n', description: 'd', metadata: false, type: 'realtime', keywords: 'a,b', group: 'g' },
    ]);
  });
});

describe('formats', () => {
  it('xml without a suffix, xml or json with one, 400 otherwise', () => {
    expect(parseFormat(undefined)).toBe('xml');
    expect(parseFormat('JSON')).toBe('json');
    expect(() => parseFormat('csv')).toThrow(Open311Error);
    expect(splitFormat('GL-20261122-000001.json')).toEqual({ id: 'GL-20261122-000001', format: 'json' });
    expect(splitFormat('CG-001')).toEqual({ id: 'CG-001', format: 'xml' });
    try {
      splitFormat('CG-001.html');
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(Open311Error);
      expect((err as Open311Error).status).toBe(400);
    }
  });

  it('content types name UTF-8', () => {
    expect(CONTENT_TYPES).toEqual({ xml: 'text/xml; charset=utf-8', json: 'application/json; charset=utf-8' });
  });
});
