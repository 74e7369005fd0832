// Short, readable model names for the table and the report ("ResNet-18", "VGG-16", "Detector").
import type { ModelCatalog } from '../../core/types';

export function modelLabel(id: string, catalog?: ModelCatalog): string {
  if (id.endsWith('(detector)')) return 'Detector';
  const choice = catalog?.eventChoices.find((c) => c.id === id || (c.members.length === 1 && c.members[0] === id));
  if (choice) return choice.label;
  // Another seed of a family's recipe, offered only inside an ensemble: "VGG-16 (seed 5)".
  const seed = /-s(\d+)$/.exec(id);
  const suffix = seed ? ` (seed ${seed[1]})` : '';
  if (id.startsWith('resnet18')) return `ResNet-18${suffix}`;
  if (id.startsWith('vgg16')) return `VGG-16${suffix}`;
  if (id === 'ensemble') return 'Both (ensemble)';
  return id;
}
