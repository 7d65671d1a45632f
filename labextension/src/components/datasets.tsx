/** Datasets and their items, with previews. */
import * as React from 'react';

import { FaasModel } from '../model';
import { Button, Empty, InlineMessage, LazyDetails, PreviewView, Section } from './common';

export function DatasetsSection(props: { model: FaasModel; openItems?: () => void }): JSX.Element {
  const { model } = props;
  return (
    <Section title="Datasets" count={model.datasets.length} testid="faas-datasets" empty="No datasets.">
      {props.openItems && (
        <div className="faas-row">
          <span className="faas-dim">every item, also outputs in no dataset:</span>
          <Button label="All items" testid="faas-open-items" onClick={props.openItems} />
        </div>
      )}
      {model.datasets.map(d => {
        const items = model.items.get(d.name);
        return (
          <LazyDetails
            key={d.name}
            className="faas-dataset"
            testid="faas-dataset"
            loaded={!!items}
            load={() => model.loadItems(d.name)}
            summary={
              <>
                <span className="faas-name">{d.name}</span>
                {d.itemsCount !== undefined && <span className="faas-count">{d.itemsCount}</span>}
              </>
            }
          >
            <InlineMessage model={model} k={`dataset:${d.name}`} />
            {!items && !model.errorOf(`dataset:${d.name}`) && <Empty text="loading items…" />}
            {items && items.length === 0 && <Empty text="empty dataset" />}
            <ul className="faas-list">
              {(items ?? []).map(it => {
                const preview = model.previews.get(it.id);
                return (
                  <li key={it.id} data-testid="faas-item">
                    <span className="faas-name">{it.key ?? it.name ?? it.id}</span>{' '}
                    <span className="faas-dim">{it.artifactType}</span>
                    {!preview && (
                      <Button label="Preview" busy={model.isBusy(`preview:${it.id}`)} onClick={() => void model.loadPreview(it.id)} />
                    )}
                    <InlineMessage model={model} k={`preview:${it.id}`} />
                    {preview && <PreviewView preview={preview} />}
                  </li>
                );
              })}
            </ul>
          </LazyDetails>
        );
      })}
    </Section>
  );
}
