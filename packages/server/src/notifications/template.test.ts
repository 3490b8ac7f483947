import { describe, expect, it } from 'vitest';
import { checkTemplate, compileTemplate, TemplateError, templateContext } from './template.js';
import { sampleNotification } from './test-receiver.js';

const context = templateContext(sampleNotification('firing', { title: 'a "quoted" \\ title\nwith a newline' }));

describe('body templates', () => {
  it('escapes holes for JSON strings and places whole values with | json', () => {
    const out = compileTemplate('{"t": "{{ title }}", "first": {{alerts.0 | json}}, "missing": "{{alerts.5.id}}"}', 'json').render(context);
    expect(JSON.parse(out)).toMatchObject({ t: 'a "quoted" \\ title\nwith a newline', first: { resourceId: 'host:pve1' }, missing: '' });
  });

  it('URL-encodes holes in a form body and leaves text as is', () => {
    expect(compileTemplate('title={{title}}&n={{count}}', 'form').render(context)).toBe(`title=${encodeURIComponent(context.title as string)}&n=1`);
    expect(compileTemplate('{{severity}}: {{alert.resourceName}}', 'text').render(context)).toBe('critical: pve1 <prod> & "main"');
  });

  it('reads only own data: no prototype, constructor or code', () => {
    expect(() => compileTemplate('{{__proto__.polluted}}', 'text')).toThrow(TemplateError);
    expect(() => compileTemplate('{{constructor.name}}', 'text')).toThrow(TemplateError);
    expect(() => compileTemplate('{{ title.toString() }}', 'text')).toThrow(TemplateError);
    expect(compileTemplate('{{title.length}}', 'text').render(context)).toBe('');
  });

  it('reports unknown fields, unmatched braces and invalid JSON', () => {
    expect(() => checkTemplate('{{nope}}', 'text')).toThrow(/unknown field "nope"/);
    expect(() => checkTemplate('{"a": "{{title"}', 'json')).toThrow(/unmatched "\{\{" at character 8/);
    expect(() => checkTemplate('{"a": {{title}}}', 'json')).toThrow(/valid JSON/);
    expect(() => checkTemplate('{"a": {"b": "{{alerts.3.message}}"}}', 'json')).not.toThrow();
  });
});
