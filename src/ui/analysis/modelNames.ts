// Short, readable model names for the table and the report ("ResNet-18", "VGG-16", "Detector").
import type { ModelCatalog } from '../../core/types';

export function modelLabel(id: string, catalog?: ModelCatalog): string {
  if (id.endsWith('(detector)')) return 'Detector';
  const choice = catalog?.eventChoices.find((c) => c.id === id || (c.members.length === 1 && c.members[0] === id));
  if (choice) return choice.label;
  if (id.startsWith('resnet18')) return 'ResNet-18';
  if (id.startsWith('vgg16')) return 'VGG-16';
  if (id === 'ensemble') return 'Both (ensemble)';
  return id;
}
