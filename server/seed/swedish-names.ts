/** Common Swedish given names and surnames, for demo and benchmark data. */
export const GIVEN_NAMES = [
  'Anna', 'Eva', 'Maria', 'Karin', 'Sara', 'Christina', 'Lena', 'Emma', 'Kerstin', 'Ingrid',
  'Malin', 'Sofia', 'Linnéa', 'Elin', 'Ida', 'Johanna', 'Marie', 'Birgitta', 'Hanna', 'Åsa',
  'Lars', 'Mikael', 'Anders', 'Johan', 'Erik', 'Per', 'Karl', 'Peter', 'Thomas', 'Jan',
  'Daniel', 'Fredrik', 'Hans', 'Andreas', 'Stefan', 'Magnus', 'Mattias', 'Björn', 'Oskar', 'Göran',
  'Ebba', 'Saga', 'Elsa', 'Maja', 'Wilma', 'Nils', 'Axel', 'Olle', 'Sven', 'Östen',
];

export const SURNAMES = [
  'Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson',
  'Svensson', 'Gustafsson', 'Pettersson', 'Jonsson', 'Jansson', 'Hansson', 'Bengtsson', 'Jönsson',
  'Lindberg', 'Jakobsson', 'Magnusson', 'Olofsson', 'Lindström', 'Lindqvist', 'Lindgren', 'Berg',
  'Axelsson', 'Bergström', 'Lundberg', 'Lind', 'Lundgren', 'Lundqvist', 'Mattsson', 'Berglund',
  'Fredriksson', 'Sandberg', 'Henriksson', 'Forsberg', 'Sjöberg', 'Wallin', 'Engström', 'Danielsson',
  'Håkansson', 'Eklund', 'Lundin', 'Gunnarsson', 'Holm', 'Björk', 'Bergman', 'Samuelsson', 'Fransson', 'Åberg',
];
